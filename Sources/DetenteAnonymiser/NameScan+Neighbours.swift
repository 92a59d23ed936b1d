import DetenteModel
/// The last passes: a word next to a name, or listed with one, becomes a name; runs of names
/// (with particles between them) become spans.
extension NameScan {
    /// The own evidence a capitalised neighbour of a name needs to join it, unless it is a gazetteer name.
    static let nameLikeNeighbour = 0.5
    /// English closed-class words (prepositions, conjunctions, pronouns, articles, copulas) that a
    /// name never grows into, even where a gazetteer lists them as rare names ("As", "Will" is not one:
    /// it is also a verb, and a name).
    static let functionWords: Set<String> = [
        "as", "at", "in", "on", "if", "so", "to", "by", "of", "or", "and", "but", "for", "the", "a", "an", "with", "from", "per",
        "via", "is", "was", "are", "were", "be", "it", "we", "us", "he", "she", "they", "you", "i", "when", "while", "then", "than",
        "that", "this", "these", "those", "our", "their", "his", "her", "its", "my", "your", "not", "no", "yes", "after", "before"
    ]
    /// Passes over the neighbours, so a name can grow by two words on each side ("Pieter van der Walt").
    static let neighbourPasses = 2

    /// Two capitalised words side by side: a full name the gazetteer does not know ("Tamsin
    /// O'Rourke", mid-sentence and neither everyday words), or a given then a family name
    /// ("Will Barker", "Grace Hopper").
    mutating func markFullNames() {
        for i in words.indices.dropLast() where !isName[i] && !isName[i + 1] && isCandidate(i) && isCandidate(i + 1) && adjacent(i, i + 1) {
            let a = words[i], b = words[i + 1]
            if a.capitalised, b.capitalised, !a.sentenceStart, !a.isEverydayWord, !b.isEverydayWord,
                base[i] >= Weight.unknownFullNamePart, base[i + 1] >= Weight.unknownFullNamePart,
                !(i + 2 < words.count && adjacent(i + 1, i + 2) && words[i + 2].lexical.contains(.placeWord))
            {
                isName[i] = true; isName[i + 1] = true
                rule[i] = "name (two unknown capitalised words)"
            } else if a.capitalised, b.capitalised, a.lexical.contains(.givenName), b.lexical.contains(.familyName), !a.isWork, !b.isWork,
                base[i] >= Weight.unknownCapitalised, base[i + 1] >= Weight.unknownCapitalised
            {
                // Even if both are words.
                isName[i] = true; isName[i + 1] = true
                rule[i] = "name (given name and family name)"
            }
        }
    }

    /// A word next to a name of the same roster person, or a name-like capitalised word next to
    /// any name ("Sunday Eze", "Park Seo-yeon", "Gareth Pryce-Jones").
    mutating func markNeighboursOfNames() {
        for _ in 0..<Self.neighbourPasses {
            for i in words.indices where !isName[i] && isCandidate(i) {
                for j in [i - 1, i + 1] where j >= 0 && j < words.count && isName[j] && adjacent(min(i, j), max(i, j)) {
                    joinNeighbour(i, ofName: j)
                }
            }
        }
    }

    /// Makes word `i` part of the name at `j` when its evidence and the neighbour's reach the threshold.
    mutating func joinNeighbour(_ i: Int, ofName j: Int) {
        let samePerson = person[i] != nil && person[i] == person[j] && (words[i].capitalised || !words[i].isEverydayWord)
        // "Ping Wiremu", "Ask Hamza": a cue before a name is not part of it.
        let cue = j == i + 1 && words[i].lexical.contains(.cueBefore) && person[i] == nil
        // "As Kwame put it": a capitalised function word at a sentence start is no part of a name.
        let function = Self.functionWords.contains(words[i].folded)
        let nameLike = words[i].capitalised && (base[i] >= Self.nameLikeNeighbour || words[i].isName) && !cue && !function
        guard
            samePerson && base[i] + Weight.besideSamePerson >= NameDetector.threshold
                || nameLike && base[i] + Weight.besideAName >= NameDetector.threshold
        else { return }
        isName[i] = true
        if person[i] == nil { person[i] = person[j] }
        if rule[i].isEmpty || samePerson { rule[i] = samePerson ? "roster name (full name)" : "name (next to a name)" }
    }

    /// Coordination: "Kavi or phil", "Can and Chidi" — a name-like word joined to a name; and
    /// "Memory and I", "Can and me" — the speaker's companion is a person.
    mutating func markListedNames() {
        for i in words.indices where !isName[i] && isCandidate(i) {
            let linked = [(i - 1, i - 2), (i + 1, i + 2)].contains { link, other in
                link >= 0 && other >= 0 && other < words.count && ["and", "or", "&"].contains(words[link].folded) && isName[other]
            }
            let withSpeaker =
                i + 2 < words.count && ["and", "&"].contains(words[i + 1].folded) && ["i", "me", "myself"].contains(words[i + 2].folded)
                && words[i].capitalised && (person[i] != nil || words[i].isName)
            if withSpeaker { isName[i] = true; rule[i] = "name (\"… and I\")"; continue }
            guard linked else { continue }
            // "We do ask, and Ask asks": a lowercase everyday word stays a word beside the name.
            if person[i] != nil && (words[i].capitalised || !words[i].isEverydayWord) || words[i].isName && !words[i].isEverydayWord {
                isName[i] = true; rule[i] = "name (listed with a name)"
            }
        }
    }

    /// Runs of names, with particles between them ("Rhys ap Gwilym", "Tamsin le Goff"), as spans;
    /// a run followed by a place word ("Ho Chi Minh City", "Fête des Lumières") is a place or an event.
    func nameRuns() -> [Span] {
        var spans: [Span] = []
        var i = 0
        while i < words.count {
            guard isName[i] else { i += 1; continue }
            let j = runEnd(from: i)
            if j + 1 < words.count, adjacent(j, j + 1), words[j + 1].lexical.contains(.placeWord), words[j + 1].capitalised {
                i = j + 1; continue
            }
            let key = (i...j).lazy.compactMap { person[$0] }.first
            let range = Self.initialBefore(words[i].range.lowerBound, in: text)..<words[j].range.upperBound
            spans.append(Span(range: range, kind: .person, rule: rule[i].isEmpty ? "name" : rule[i], subject: key ?? Gazetteer.fold(String(text[range]))))
            i = j + 1
        }
        return spans
    }

    /// "W. Okonkwo": an initial and its full stop right before a name belong to it.
    static func initialBefore(_ start: String.Index, in text: String) -> String.Index {
        var k = start
        guard k > text.startIndex else { return start }
        k = text.index(before: k)
        if text[k] == " ", k > text.startIndex { k = text.index(before: k) }
        guard text[k] == ".", k > text.startIndex else { return start }
        let letter = text.index(before: k)
        guard text[letter].isUppercase, text[letter].isLetter else { return start }
        guard letter == text.startIndex || text[text.index(before: letter)].isWhitespace || text[text.index(before: letter)] == "(" else { return start }
        return letter
    }

    /// The last word of the run of names that starts at `i`.
    func runEnd(from i: Int) -> Int {
        var j = i
        while j + 1 < words.count, adjacent(j, j + 1) {
            if isName[j + 1] { j += 1; continue }
            if words[j + 1].lexical.contains(.particle), !words[j + 1].capitalised, j + 2 < words.count, isName[j + 2], adjacent(j + 1, j + 2) {
                j += 2; continue
            }
            break
        }
        return j
    }
}
