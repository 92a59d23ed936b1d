import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// The facilitator moving the workshop through its phases, the timer and ready checks, and the server clock.
extension Workshop {
    func decideAdvance(_ force: Bool, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard let next = phase.next else { throw DetenteError(.conflict, "the workshop is already in its last phase") }
        return try enter(next, force: force, context: &ctx)
    }

    func decideBack(by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard let previous = phase.previous else { throw DetenteError(.conflict, "the workshop is in its first phase") }
        guard revealed == nil || !previous.isSealed else {
            throw DetenteError(.conflict, "a reveal cannot be undone: the workshop cannot go back to a sealed phase")
        }
        return try enter(previous, force: true, context: &ctx)
    }

    func decideTimerStart(_ seconds: Int, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard (10...4 * 3600).contains(seconds) else { throw DetenteError(.invalidValue, "timer seconds must be between 10 and 14400") }
        return [
            .timerStarted(endsAt: ctx.now + Int64(seconds) * 1000),
            .botSaid(.everyone, text: "The facilitator started a \(Self.minutes(Int64(seconds) * 1000)) timer for this phase.")
        ]
    }

    func decideTimerPause(by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard let timer, timer.endsAt != nil else { throw DetenteError(.conflict, "no running timer to pause") }
        return [.timerPaused(remaining: timer.remaining(at: ctx.now))]
    }

    func decideTimerExtend(_ seconds: Int, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard timer != nil else { throw DetenteError(.conflict, "no timer to extend") }
        guard (10...3600).contains(seconds) else { throw DetenteError(.invalidValue, "extend by 10 to 3600 seconds") }
        return [
            .timerExtended(byMillis: Int64(seconds) * 1000),
            .botSaid(.everyone, text: "The facilitator added \(Self.minutes(Int64(seconds) * 1000)) to the timer.")
        ]
    }

    func decideReadyCheck(by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        return [.readyCheckStarted, .botSaid(.everyone, text: "Ready check: press “I'm ready” when you have finished this step.")]
    }

    func decideEnd(by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        var events: [Event] = []
        if phase != .close { events.append(.phaseChanged(.close, at: ctx.now)) }
        events += [.botSaid(.everyone, text: template.phaseIntro[.close] ?? "Thank you."), .ended]
        return events
    }

    func decideTick(by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        guard actor == .system else { throw DetenteError(.forbidden, "only the server clock ticks") }
        return tickEvents(now: ctx.now)
    }

    func enter(_ next: Phase, force: Bool, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        var events: [Event] = []
        if next == .reveal, revealed == nil {
            if !force {
                let unapproved = departments.filter { !isApproved($0) }
                let small = contributorCounts().filter { $0.value < setup.anonymityThreshold }.keys.sorted()
                var problems: [String] = []
                if !unapproved.isEmpty { problems.append("not yet approved by \(unapproved.map(Self.displayName).joined(separator: ", "))") }
                if !small.isEmpty {
                    problems.append("fewer than \(setup.anonymityThreshold) distinct contributors in \(small.map(Self.displayName).joined(separator: ", ")) — authors may be identifiable by size")
                }
                if !problems.isEmpty { throw DetenteError(.conflict, "reveal needs confirmation: " + problems.joined(separator: "; ")) }
            }
            events.append(.phaseChanged(.reveal, at: ctx.now))
            events.append(.revealed(makeRevealBatch(context: ctx)))
        } else {
            events.append(.phaseChanged(next, at: ctx.now))
        }
        if let intro = template.phaseIntro[next] {
            if intro.contains("{target}") {
                for d in departments { events.append(.botSaid(.department(d), text: text(intro, target: defaultTarget(for: d)))) }
            } else {
                events.append(.botSaid(.everyone, text: intro))
            }
        }
        if next == .outmodel {
            for p in participants.values.sorted(by: { $0.id < $1.id }) {
                let index = min(promptIndex[p.id] ?? 0, template.outmodelQuestions.count - 1)
                events.append(.botSaid(.participant(p.id), text: text(template.outmodelQuestions[index], target: defaultTarget(for: p.department))))
            }
        }
        if next == .review {
            let small = contributorCounts().filter { $0.value < setup.anonymityThreshold }.keys.sorted()
            if !small.isEmpty {
                events.append(
                    .botSaid(
                        .facilitators,
                        text:
                            "Anonymity warning: \(small.map(Self.displayName).joined(separator: ", ")) has fewer than \(setup.anonymityThreshold) distinct contributors; its authors may be identifiable by the department's size."
                    ))
            }
        }
        if next == .agreement, draft == nil || revealed != nil {
            events.append(.draftCreated(makeDraft(context: &ctx)))
        }
        return events
    }

    func tickEvents(now: Int64) -> [Event] {
        var events: [Event] = []
        if let timer, timer.endsAt != nil, !timer.expired {
            let remaining = timer.remaining(at: now)
            if remaining == 0 {
                events += [.timerExpired, .botSaid(.everyone, text: "Time is up for this phase. Finish your sentence; the facilitator will move us on.")]
            } else if remaining <= Self.timerWarningMillis, !timer.warned {
                events += [.timerWarned, .botSaid(.everyone, text: "Two minutes left in this phase.")]
            }
        }
        if phase == .outmodel || phase == .requirements {
            for d in departments where !nudged.contains(d) && !members(of: d).isEmpty {
                let since = max(lastActivity[d] ?? 0, phaseStartedAt)
                if now - since >= Self.quietAfterMillis {
                    events.append(.departmentQuiet(d, at: now))
                    let written = items.values.filter { $0.department == d && $0.isLive }.count
                    events.append(.botSaid(.facilitators, text: "\(Self.displayName(of: d)) has been quiet for \(Self.minutes(now - since)) (\(written) items so far)."))
                    events.append(.botSaid(.department(d), text: "The other departments are writing and waiting for your view. Even one short sentence helps — what is on your mind?"))
                }
            }
        }
        return events
    }
}
