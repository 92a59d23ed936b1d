import DetenteModel

/// Counts-only frames (`progress` to facilitators, `department_progress` to a department) carry
/// nothing but the latest counts, so the server may send the latest at its presence pace (at
/// most four times a second) instead of one per event: at a hundred writers per room they were
/// half of every submit's deliveries. Which frames those are, and what they hold, is decided
/// here with every other visibility rule.
extension Visibility {
    /// The audience of a counts-only frame, or nil for a frame that must go with its event.
    public static func countsAudience(of frame: Frame) -> Audience? {
        switch (frame.audience, frame.message["type"]?.stringValue) {
        case (.facilitators, "progress"?), (.department, "department_progress"?): return frame.audience
        default: return nil
        }
    }

    /// The latest counts frame for an audience `countsAudience` returned.
    public static func countsFrame(for audience: Audience, in w: Workshop) -> Frame? {
        switch audience {
        case .facilitators: return (audience, progress(w))
        case let .department(d): return (audience, departmentProgress(d, w))
        default: return nil
        }
    }
}
