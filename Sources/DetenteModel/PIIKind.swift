/// The kinds of personal identifier the anonymiser removes, with their placeholders.
public enum PIIKind: String, Sendable, CaseIterable {
    case person, email, phone, handle, ip, url, employeeID = "employee_id"

    public var placeholder: String {
        switch self {
        case .person: "[Person]"
        case .email: "[email]"
        case .phone: "[phone]"
        case .handle: "[handle]"
        case .ip: "[ip]"
        case .url: "[link]"
        case .employeeID: "[employee id]"
        }
    }
}
