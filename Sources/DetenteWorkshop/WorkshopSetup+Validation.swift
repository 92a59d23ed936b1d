import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
extension WorkshopSetup {
    /// A request to create a workshop, validated once for every way in (websocket `create`,
    /// `POST /api/workshops`, `detente serve --demo`).
    ///
    /// - Important: An absent (or `null`) optional field takes its default; a field that is
    ///   present but invalid is an error naming it, never silently repaired: `k` is the
    ///   anonymity threshold, and a wrong value quietly replaced by 3 would weaken it unseen.
    public struct Request: Sendable, Equatable {
        public let title: String
        /// Trimmed and lower-cased, in the order given.
        public let departments: [Department]
        public let template: String
        public let anonymityThreshold: Int

        public static let defaultTemplate = WorkshopTemplate.catsAndDogs.name
        public static let defaultThreshold = 3
        public static let departmentCount = 2...6
        public static let thresholdRange = 1...20
        public static let maxTitleLength = 120
        public static let maxDepartmentLength = 24

        /// Validates already-typed values.
        /// - Throws: `invalid_value` naming the first bad field.
        public init(title rawTitle: String, departments rawDepartments: [String], template: String, k: Int) throws(DetenteError) {
            let departments = rawDepartments.map { $0.trimmingWhitespace.lowercased() }
            guard Self.departmentCount.contains(departments.count), Set(departments).count == departments.count else {
                throw DetenteError(.invalidValue, "'departments' must name \(Self.departmentCount.lowerBound) to \(Self.departmentCount.upperBound) different departments")
            }
            guard departments.allSatisfy(Self.isDepartmentName) else {
                throw DetenteError(.invalidValue, "'departments' names use letters, digits and '-', 1 to \(Self.maxDepartmentLength) characters")
            }
            let title = rawTitle.trimmingWhitespace
            guard !title.isEmpty, title.count <= Self.maxTitleLength else {
                throw DetenteError(.invalidValue, "'title' must have 1 to \(Self.maxTitleLength) characters")
            }
            guard WorkshopTemplate.named(template) != nil else {
                throw DetenteError(.invalidValue, "'template' '\(template.prefix(40))' is unknown; known: \(Self.defaultTemplate)")
            }
            guard Self.thresholdRange.contains(k) else {
                throw DetenteError(.invalidValue, "'k' must be an integer from \(Self.thresholdRange.lowerBound) to \(Self.thresholdRange.upperBound)")
            }
            self.title = title
            self.departments = departments
            self.template = template
            self.anonymityThreshold = k
        }

        /// Validates the fields of a JSON object (other fields are ignored).
        /// - Throws: `bad_message` when a field is missing or of the wrong JSON type,
        ///   `invalid_value` when it is out of range; either names the field.
        public init(json: JSON) throws(DetenteError) {
            guard case .object = json else { throw DetenteError(.badMessage, "send a JSON object with 'title' and 'departments'") }
            guard let title = json["title"]?.stringValue else { throw DetenteError(.badMessage, "'title' must be a string") }
            guard let list = json["departments"]?.arrayValue else { throw DetenteError(.badMessage, "'departments' must be an array of strings") }
            let departments = list.compactMap(\.stringValue)
            guard departments.count == list.count else { throw DetenteError(.badMessage, "'departments' must contain only strings") }
            let template: String
            switch json["template"] {
            case nil, .null?: template = Self.defaultTemplate
            case let .string(s)?: template = s
            default: throw DetenteError(.badMessage, "'template' must be a string")
            }
            try self.init(title: title, departments: departments, template: template, k: try Self.threshold(json["k"]))
        }

        /// `k` must be a JSON integer: not a string ("20"), not a fraction (0.5), not a number
        /// beyond any threshold (1e30). Integral doubles such as `3.0` are accepted.
        static func threshold(_ value: JSON?) throws(DetenteError) -> Int {
            switch value {
            case nil, .null?: return defaultThreshold
            case let .int(i)?: return i
            case let .double(d)? where d.isFinite && d.rounded() == d && abs(d) <= 1e6: return Int(d)
            case .double?: throw DetenteError(.invalidValue, "'k' must be an integer from \(thresholdRange.lowerBound) to \(thresholdRange.upperBound)")
            default: throw DetenteError(.badMessage, "'k' must be a JSON number, not a string or other type")
            }
        }

        static func isDepartmentName(_ name: String) -> Bool {
            !name.isEmpty && name.count <= maxDepartmentLength && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }
}

extension String {
    /// Trims spaces, tabs and newlines without Foundation (the core imports none).
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
