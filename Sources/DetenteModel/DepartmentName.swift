/// How a department is written in sentences: "Dev", "Ops", "DBA", "Security".
public enum DepartmentName {
    public static func display(_ department: Department) -> String {
        switch department.lowercased() {
        case "dev", "ops", "dba", "sre", "qa", "it": return department.uppercased() == "DEV" ? "Dev" : department.uppercased() == "OPS" ? "Ops" : department.uppercased()
        default: return department.prefix(1).uppercased() + department.dropFirst()
        }
    }
}
