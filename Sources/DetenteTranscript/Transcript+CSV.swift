import DetenteModel
import DetenteDrafter
import DetenteWorkshop
import Foundation

/// The items as CSV, one row per revealed item or offer.
extension Transcript {
    static func csvField(_ s: String) -> String {
        // Quote always; neutralise spreadsheet formulas (=, +, -, @ at the start).
        var v = s.replacingOccurrences(of: "\"", with: "\"\"")
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        return "\"" + v + "\""
    }

    func csv() -> String {
        var o = "id,department,kind,phase,target,theme,group,votes,accurate,partly,wrong,accept,conditional,cannot,text\n"
        for r in rows() {
            let phase = r.kind == .outmodel ? "outmodel" : r.kind == .requirement ? "requirements" : "reactions"
            let counts = Verdict.allCases.map { String(r.reactions[$0] ?? 0) }
            o +=
                ([r.id, r.department, r.kind.rawValue, phase, r.target, r.theme?.rawValue ?? "", r.group.map(String.init) ?? "", String(r.votes)] + counts + [r.text])
                .map(Self.csvField).joined(separator: ",") + "\n"
        }
        return o
    }
}
