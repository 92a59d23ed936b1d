import DetenteModel

/// `Stemmer.stems` with each word's stem remembered for one draft: a workshop repeats its
/// vocabulary, and stemming a word (several suffix tests on a `String`) costs more than looking
/// it up. Same result as `Stemmer.stems`, which a randomised test checks.
struct StemMemo {
    private var stems: [String: String] = [:]

    mutating func stems(_ text: String) -> [String] {
        Tokens.words(text).map { word in
            if let known = stems[word] { return known }
            let stem = Stemmer.stem(word)
            stems[word] = stem
            return stem
        }
    }
}
