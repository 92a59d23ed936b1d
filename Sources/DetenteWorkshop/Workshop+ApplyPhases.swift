import DetenteModel
/// Applying the workshop's clock: phase changes and timers.
extension Workshop {
    /// A new phase starts with no timer, no ready check and no nudges; the projector's
    /// department is kept only through the reveal and reactions.
    mutating func applyPhaseChanged(_ ph: Phase, at: Int64) {
        phase = ph; phaseStartedAt = at; timer = nil; readyCheck = nil; nudged = []
        if ph != .reveal, ph != .reactions { presenting = nil }
    }

    /// Adds time to a running timer's end, or to a paused timer's remainder; warnings start over.
    mutating func applyTimerExtended(_ ms: Int64) {
        guard var t = timer else { return }
        if let e = t.endsAt { t.endsAt = e + ms } else { t.remainingWhenPaused = (t.remainingWhenPaused ?? 0) + ms }
        t.warned = false; t.expired = false
        timer = t
    }
}
