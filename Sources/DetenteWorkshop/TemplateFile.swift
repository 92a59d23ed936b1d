import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// The on-disk form of a template (docs/TEMPLATES.md) and every check it must pass.
enum TemplateFile {
    static let knownKeys: Set<String> = [
        "name", "title", "description", "departments", "phase_intro", "outmodel_questions",
        "requirement_prompt", "suggested_minutes"
    ]
    static let placeholders: Set<String> = ["{target}"]
    static let maxQuestion = 300, maxIntro = 2_000

    static func decode(_ text: String, file: String) throws(TemplateCatalog.LoadError) -> WorkshopTemplate {
        func fail(_ reason: String) -> TemplateCatalog.LoadError { TemplateCatalog.LoadError(file: file, reason: reason) }
        let json: JSON
        do { json = try JSONParser.parse(text) } catch { throw fail("not valid JSON: \(error)") }
        guard case let .object(pairs) = json else { throw fail("the top level must be an object") }
        if let unknown = pairs.map(\.0).first(where: { !knownKeys.contains($0) }) { throw fail("unknown key '\(unknown)'") }
        guard let name = json["name"]?.stringValue, !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw fail("'name' must be lowercase letters, digits and '-'")
        }
        guard file == name + ".json" else { throw fail("the file must be named \(name).json after its 'name'") }
        for key in ["title", "description", "requirement_prompt"] where (json[key]?.stringValue ?? "").isEmpty {
            throw fail("'\(key)' must be a non-empty string")
        }
        let intros = try phaseMap(json["phase_intro"], key: "phase_intro", fail: fail) { v throws(TemplateCatalog.LoadError) -> String in
            guard let s = v.stringValue, !s.isEmpty, s.count <= maxIntro else { throw fail("each phase_intro must be a string of 1–\(maxIntro) characters") }
            return s
        }
        if let missing = Phase.allCases.first(where: { intros[$0] == nil }) { throw fail("phase_intro has no text for '\(missing.rawValue)'") }
        guard let questions = json["outmodel_questions"]?.arrayValue?.compactMap(\.stringValue), !questions.isEmpty,
            questions.count == json["outmodel_questions"]?.arrayValue?.count, questions.allSatisfy({ !$0.isEmpty && $0.count <= maxQuestion })
        else {
            throw fail("'outmodel_questions' must be a non-empty list of strings of at most \(maxQuestion) characters")
        }
        let minutes = try phaseMap(json["suggested_minutes"] ?? .object([]), key: "suggested_minutes", fail: fail) { v throws(TemplateCatalog.LoadError) -> Int in
            guard let m = v.intValue, (1...240).contains(m) else { throw fail("suggested_minutes must be whole minutes from 1 to 240") }
            return m
        }
        let requirement = json["requirement_prompt"]?.stringValue ?? ""
        for text in Array(intros.values) + questions + [requirement] { try checkPlaceholders(text, fail: fail) }
        if let departments = json["departments"] {
            guard let list = departments.arrayValue?.compactMap(\.stringValue), (2...6).contains(list.count) else {
                throw fail("'departments' (suggested) must list 2 to 6 department ids")
            }
        }
        return WorkshopTemplate(name: name, phaseIntro: intros, outmodelQuestions: questions, requirementPrompt: requirement, suggestedMinutes: minutes)
    }

    private static func phaseMap<T>(
        _ json: JSON?, key: String, fail: (String) -> TemplateCatalog.LoadError,
        _ value: (JSON) throws(TemplateCatalog.LoadError) -> T
    ) throws(TemplateCatalog.LoadError) -> [Phase: T] {
        guard case let .object(pairs)? = json else { throw fail("'\(key)' must be an object keyed by phase") }
        var out: [Phase: T] = [:]
        for (k, v) in pairs {
            guard let phase = Phase(rawValue: k) else { throw fail("'\(key)' names an unknown phase '\(k)'") }
            out[phase] = try value(v)
        }
        return out
    }

    /// Only `{target}` may appear in braces: anything else would reach a participant verbatim.
    private static func checkPlaceholders(_ text: String, fail: (String) -> TemplateCatalog.LoadError) throws(TemplateCatalog.LoadError) {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { throw fail("an unclosed '{' in “\(text.prefix(60))”") }
            let token = String(rest[open...close])
            guard placeholders.contains(token) else { throw fail("unknown placeholder \(token); only {target} is replaced") }
            rest = rest[rest.index(after: close)...]
        }
    }
}
