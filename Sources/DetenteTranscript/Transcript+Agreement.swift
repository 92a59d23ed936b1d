import DetenteModel
import DetenteDrafter
import DetenteWorkshop
import Foundation

// Owners and due dates: the agreement as CSV and as a calendar of due dates.

extension Transcript {
    /// "Owner: Ops · due 2026-12-15", or nil when the clause has neither.
    func ownerLine(_ c: ClauseID) -> String? {
        guard let a = w.assignment(of: c) else { return nil }
        return [a.owner.map { "Owner: \(name($0))" }, a.due.map { "due \($0)" }].compactMap { $0 }.joined(separator: " · ")
    }

    /// One row per agreement clause: who does what by when, and how each department voted.
    func agreementCSV() -> String {
        var o = (["id", "section", "owner", "due", "endorsed"] + w.departments.map { "support_\($0)" } + ["text"]).joined(separator: ",") + "\n"
        for c in w.draft?.clauses ?? [] {
            let a = w.assignment(of: c.id)
            let support = Visibility.endorsementCounts(c.id, w).map { c.votable ? String($0.support) : "" }
            o +=
                ([c.id, c.section.rawValue, a?.owner ?? "", a?.due ?? "", c.votable ? String(w.isEndorsed(c.id)) : ""] + support + [c.text])
                .map(Self.csvField).joined(separator: ",") + "\n"
        }
        return o
    }

    /// An iCalendar file (RFC 5545) with one all-day event per clause that has a due date.
    func ics() -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Detente//Agreement//EN", "CALSCALE:GREGORIAN"]
        for c in w.draft?.clauses ?? [] {
            guard let a = w.assignment(of: c.id), let due = a.due else { continue }
            let day = due.replacingOccurrences(of: "-", with: "")
            let owner = a.owner.map { "\(name($0)): " } ?? ""
            lines += [
                "BEGIN:VEVENT", "UID:\(c.id)@\(w.id).detente", "DTSTAMP:\(day)T000000Z", "DTSTART;VALUE=DATE:\(day)",
                "SUMMARY:" + Self.icsText(owner + c.text), "DESCRIPTION:" + Self.icsText("\(w.setup.title) — agreement clause"), "END:VEVENT"
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.foldICS).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5545 §3.3.11 TEXT escaping.
    static func icsText(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "")
    }

    /// RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF + space, never inside a character.
    static func foldICS(_ line: String) -> String {
        var out = "", count = 0
        for ch in line {
            let n = String(ch).utf8.count
            if count + n > 75 { out += "\r\n "; count = 1 }
            out.append(ch); count += n
        }
        return out
    }
}
