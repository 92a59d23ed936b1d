import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// Every rule about who may see what, in one place.
///
/// - Important: The rules, each enforced here and nowhere else:
///   1. A department's items never leave the server toward another department or the facilitator
///      before the reveal (the facilitator gets counts only).
///   2. Nobody but the author ever receives who wrote an item; items carry no author field at all.
///   3. No per-item timestamp or sequence number is sent; lists are ordered by random id or
///      shuffled, never by creation.
///   4. Display names are visible to the facilitator and within one's own department; other
///      departments see counts.
public enum Visibility {
    public typealias Frame = (audience: Audience, message: JSON)

    /// The frames an event causes, each with its audience. `w` is the workshop *after* the event.
    ///
    /// One line per event kind; frames of several parts are built in `Visibility+ContributionFrames`
    /// and `+FacilitationFrames`. The switch is exhaustive, so a new event kind does not compile
    /// until its audiences are decided here.
    public static func frames(for event: Event, in w: Workshop) -> [Frame] {
        switch event {
        case .created, .departmentQuiet: return []
        case let .joined(_, d, _): return joinedFrames(d, w)
        case .phaseChanged: return [(.everyone, phaseMessage(w)), (.facilitators, progress(w))]
        case let .itemSubmitted(item, _): return itemFrames(item, in: w)
        case let .itemEdited(id, _, _, _): return w.items[id].map { itemFrames($0, in: w) } ?? []
        case let .itemWithdrawn(id): return withdrawnFrames(id, w)
        case let .itemHidden(id): return [(.everyone, ["type": "item_removed", "id": .string(id), "hidden": true])]
        case let .itemsMerged(kept, absorbed): return mergedFrames(kept: kept, absorbed: absorbed, w)
        case let .voted(p, i, _): return voteFrames(by: p, for: i, w)
        case let .approved(p, _): return approvalFrames(by: p, w)
        case let .promptAdvanced(p, _): return [(.participant(p), promptMessage(p, w))]
        case .revealed: return [(.everyone, revealMessage(w))]
        case .presenting: return [(.everyone, ["type": "presenting", "department": JSON(w.presenting)])]
        case let .reacted(p, i, r): return [(.everyone, reactionsMessage(i, w)), (.participant(p), myReaction(i, r))]
        case .draftCreated, .clauseEdited, .clausesMerged, .itemMoved, .suggestionAnswered: return [(.everyone, draftMessage(w))]
        case let .endorsed(p, c, support): return endorsementFrames(by: p, of: c, support: support, w)
        case .timerStarted, .timerPaused, .timerExtended, .timerWarned, .timerExpired: return [(.everyone, timerMessage(w))]
        case .readyCheckStarted: return [(.everyone, ["type": "ready_check", "open": true]), (.facilitators, readyMessage(w))]
        case let .readyMarked(p): return [(.participant(p), ["type": "my_ready", "ready": true]), (.facilitators, readyMessage(w))]
        case .joiningLocked: return [(.everyone, ["type": "joining", "locked": .bool(w.joiningLocked)])]
        case let .facilitationHanded(p): return handOverFrames(to: p, w)
        case let .botSaid(audience, text): return [(audience, ["type": "bot", "text": .string(text)])]
        case let .noteAdded(text): return [(.facilitators, ["type": "note", "text": .string(text)])]
        case .ended: return [(.everyone, ["type": "ended"])]
        case .focused: return [(.everyone, focusMessage(w))]
        case let .clauseAssigned(c, _, _): return [(.everyone, assignmentMessage(c, w))]
        }
    }

    static func replacementJSON(_ r: Replacement) -> JSON {
        ["kind": .string(r.kind.rawValue), "original": .string(r.original), "placeholder": .string(r.placeholder), "rule": .string(r.rule)]
    }

    // MARK: - messages built from state

    static func phaseMessage(_ w: Workshop) -> JSON {
        ["type": "phase", "phase": .string(w.phase.rawValue), "timer": timerJSON(w), "suggested_minutes": suggestedMinutes(w)]
    }

    /// The template's suggested length of the current phase, the console's default timer.
    static func suggestedMinutes(_ w: Workshop) -> JSON { w.template.suggestedMinutes[w.phase].map { .int($0) } ?? .null }

    static func timerJSON(_ w: Workshop) -> JSON {
        guard let t = w.timer else { return .null }
        return [
            "running": .bool(t.endsAt != nil && !t.expired), "ends_at": t.endsAt.map { .int(Int($0)) } ?? .null,
            "remaining_ms": t.remainingWhenPaused.map { .int(Int($0)) } ?? .null, "expired": .bool(t.expired)
        ]
    }

    static func timerMessage(_ w: Workshop) -> JSON { ["type": "timer", "timer": timerJSON(w)] }

    /// Counts only: the facilitator's view of the sealed rooms (kept up to date by the workshop).
    public static func progress(_ w: Workshop) -> JSON {
        var members: [Department: Int] = [:]
        for p in w.participants.values { members[p.department, default: 0] += 1 }
        let departments: [JSON] = w.departments.map { d in
            let t = w.tallies[d] ?? Workshop.DepartmentTally()
            let approvals = w.approvals[d]?.count ?? 0
            let m = members[d] ?? 0
            return [
                "department": .string(d), "members": .int(m), "outmodel": .int(t.outmodel), "requirements": .int(t.requirements),
                "offers": .int(t.offers), "contributors": .int(t.contributors), "approvals": .int(approvals),
                "approved": .bool(m > 0 && approvals * 2 > m), "below_k": .bool(t.contributors < w.setup.anonymityThreshold)
            ]
        }
        return ["type": "progress", "k": .int(w.setup.anonymityThreshold), "departments": .array(departments)]
    }

    static func approval(_ d: Department, _ w: Workshop) -> JSON {
        [
            "type": "approval", "department": .string(d), "approvals": .int(w.approvals[d]?.count ?? 0),
            "members": .int(w.members(of: d).count), "approved": .bool(w.isApproved(d))
        ]
    }

    static func myVotes(_ p: ParticipantID, _ w: Workshop) -> JSON {
        let mine = w.items.values.filter { $0.isLive && $0.voters.contains(p) }.map(\.id).sorted()
        return ["type": "my_votes", "items": JSON(mine), "remaining": .int(Workshop.votesPerParticipant - mine.count)]
    }

    static func revealMessage(_ w: Workshop) -> JSON {
        let items = (w.revealed ?? []).filter { w.items[$0.id]?.hidden != true }.map { r -> JSON in
            [
                "id": .string(r.id), "department": .string(r.department), "kind": .string(r.kind.rawValue),
                "target": .string(r.target), "text": .string(r.text), "votes": .int(r.votes)
            ]
        }
        return ["type": "reveal", "items": .array(items)]
    }

    public static func reactionTally(_ itemID: ItemID, _ w: Workshop) -> (counts: [Verdict: Int], comments: [(Verdict, String)]) {
        var counts: [Verdict: Int] = [:]
        var comments: [(Verdict, String)] = []
        for r in (w.reactions[itemID] ?? [:]).values {
            counts[r.verdict, default: 0] += 1
            if !r.comment.isEmpty { comments.append((r.verdict, r.comment)) }
        }
        // Sorted by text so the order says nothing about who reacted when.
        comments.sort { $0.1 == $1.1 ? $0.0.rawValue < $1.0.rawValue : $0.1 < $1.1 }
        return (counts, comments)
    }

    static func reactionsMessage(_ itemID: ItemID, _ w: Workshop) -> JSON {
        let (counts, comments) = reactionTally(itemID, w)
        return [
            "type": "reactions", "id": .string(itemID),
            "counts": .object(Verdict.allCases.compactMap { v in counts[v].map { (v.rawValue, .int($0)) } }),
            "comments": .array(comments.map { ["verdict": .string($0.0.rawValue), "text": .string($0.1)] })
        ]
    }

    static func draftMessage(_ w: Workshop) -> JSON {
        [
            "type": "draft", "clauses": .array((w.draft?.clauses ?? []).map(\.json)), "suggestions": w.draft?.suggestionsJSON ?? .array([]),
            "tallies": .array((w.draft?.clauses ?? []).filter(\.votable).map { tallyMessage($0.id, w) }),
            "assignments": .array((w.draft?.clauses ?? []).filter { w.assignment(of: $0.id) != nil }.map { assignmentMessage($0.id, w) })
        ]
    }

    public static func endorsementCounts(_ c: ClauseID, _ w: Workshop) -> [(Department, support: Int, oppose: Int, members: Int)] {
        let votes = w.endorsements[c] ?? [:]
        return w.departments.map { d in
            let members = w.members(of: d)
            return (d, members.filter { votes[$0] == true }.count, members.filter { votes[$0] == false }.count, members.count)
        }
    }

    static func tallyMessage(_ c: ClauseID, _ w: Workshop) -> JSON {
        let rows: [JSON] = endorsementCounts(c, w).map { ["department": .string($0.0), "support": .int($0.support), "oppose": .int($0.oppose), "members": .int($0.members)] }
        return ["type": "tally", "clause": .string(c), "departments": .array(rows), "endorsed": .bool(w.isEndorsed(c))]
    }

    static func readyMessage(_ w: Workshop) -> JSON {
        ["type": "ready", "open": .bool(w.readyCheck != nil), "ready": .int(w.readyCheck?.ready.count ?? 0), "participants": .int(w.participants.count)]
    }

    // MARK: - presence

    /// Who is here. `online` is the set of connected participants; `names` the roster.
    /// Departments larger than this are shown as counts in presence frames, without names.
    public static let presenceListLimit = 60

    public static func presence(_ w: Workshop, online: Set<ParticipantID>, names: [ParticipantID: String], for viewer: Viewer) -> JSON {
        let rows: [JSON] = w.departments.map { d in
            let members = w.members(of: d)
            var row: [(String, JSON)] = [
                ("department", .string(d)), ("members", .int(members.count)),
                ("online", .int(members.filter { online.contains($0) }.count))
            ]
            if members.count > Self.presenceListLimit {
                // A large room gets counts only: a name list per change would cost O(n²) bytes.
                row.append(("people_omitted", true))
            } else if viewer.hasFacilitatorRights || viewer.department == d {
                let people: [JSON] =
                    members
                    .map { (names[$0] ?? "?", $0) }
                    .map { name, pid in
                        var person: [(String, JSON)] = [("name", .string(name)), ("online", .bool(online.contains(pid)))]
                        if viewer.hasFacilitatorRights { person.append(("participant", .string(pid))) }
                        return .object(person)
                    }
                row.append(("people", .array(people)))
            }
            return .object(row)
        }
        return ["type": "presence", "departments": .array(rows)]
    }

    // MARK: - snapshot

    /// Everything a viewer may know right now: sent on connect and on every resume, so a client
    /// that was away misses nothing.
    public static func snapshot(of w: Workshop, for viewer: Viewer, online: Set<ParticipantID>, names: [ParticipantID: String]) -> JSON {
        var f: [(String, JSON)] = [("type", "welcome"), ("role", .string(roleName(viewer.role))), ("workshop", workshopJSON(w)), ("timer", timerJSON(w))]
        if let pid = viewer.participantID, let d = viewer.department { f += participantSnapshot(pid, of: d, w, names: names) }
        if viewer.hasFacilitatorRights {
            f += [("progress", progress(w)), ("notes", JSON(w.notes)), ("ready", readyMessage(w)), ("delegate", JSON(w.delegate))]
        }
        f.append(("ready_check", .bool(w.readyCheck != nil)))
        f.append(("presence", presence(w, online: online, names: names, for: viewer)))
        if w.revealed != nil {
            f.append(("reveal", revealMessage(w)))
            f.append(("reactions", .array((w.revealed ?? []).filter { w.reactions[$0.id] != nil }.map { reactionsMessage($0.id, w) })))
            f.append(("presenting", JSON(w.presenting)))
        }
        if w.draft != nil { f.append(("draft", draftMessage(w))) }
        f.append(("focus", JSON(w.focusedItem)))
        if let d = viewer.department, viewer.participantID != nil { f.append(("department_progress", departmentProgress(d, w))) }
        let chat = w.botLog.filter { $0.audience.includes(viewer) }.suffix(Workshop.snapshotChatLines).map { JSON.string($0.text) }
        f.append(("chat", .array(Array(chat))))
        return .object(f)
    }

    static func roleName(_ role: Viewer.Role) -> String {
        switch role {
        case .facilitator: "facilitator"
        case .participant: "participant"
        case .export: "export"
        }
    }

    /// The workshop's own settings and state, the same for every viewer.
    static func workshopJSON(_ w: Workshop) -> JSON {
        [
            "id": .string(w.id), "title": .string(w.setup.title), "template": .string(w.setup.template),
            "departments": JSON(w.departments), "k": .int(w.setup.anonymityThreshold),
            "phase": .string(w.phase.rawValue), "suggested_minutes": suggestedMinutes(w), "joining_locked": .bool(w.joiningLocked),
            "ended": .bool(w.ended), "code": .string(w.setup.joinCode)
        ]
    }

    /// What one participant may know of their own: who they are, their department's items, and
    /// their own votes, approval, prompt, reactions, endorsements and readiness.
    static func participantSnapshot(_ pid: ParticipantID, of d: Department, _ w: Workshop, names: [ParticipantID: String]) -> [(String, JSON)] {
        let you: JSON = [
            "participant": .string(pid), "department": .string(d), "name": JSON(names[pid]),
            "delegate": .bool(w.delegate == pid), "target": .string(w.defaultTarget(for: d))
        ]
        let own = w.items.values.filter { $0.department == d && $0.isLive }.sorted { $0.id < $1.id }
        let mine = w.reactions.compactMap { id, byP in byP[pid].map { (id, $0) } }.sorted { $0.0 < $1.0 }
        let endorsed = (w.endorsements.compactMap { c, byP in byP[pid].map { (c, $0) } }).sorted { $0.0 < $1.0 }
        return [
            ("you", you),
            ("items", .array(own.map { itemJSON($0, for: pid) })),
            ("my_votes", myVotes(pid, w)),
            ("approval", approval(d, w)),
            ("my_approval", .bool(w.approvals[d]?.contains(pid) ?? false)),
            ("prompt", promptMessage(pid, w)),
            ("my_reactions", .array(mine.map { myReaction($0.0, $0.1) })),
            ("my_endorsements", .array(endorsed.map { ["clause": .string($0.0), "support": .bool($0.1)] })),
            ("my_ready", .bool(w.readyCheck?.ready.contains(pid) ?? false))
        ]
    }
}

// MARK: - room awareness (additive: counts for the department, focus, owners)

extension Visibility {
    /// "4 of 6 in Dev have written": distinct contributors and members of one's own department.
    static func departmentProgress(_ d: Department, _ w: Workshop) -> JSON {
        [
            "type": "department_progress", "department": .string(d), "contributors": .int(w.tallies[d]?.contributors ?? 0),
            "members": .int(w.members(of: d).count)
        ]
    }

    /// A join changes a department's size, so its approval and progress counts, and every
    /// clause's tally, are sent again.
    static func membershipFrames(_ d: Department, _ w: Workshop) -> [Frame] {
        var frames: [Frame] = [(.department(d), approval(d, w)), (.department(d), departmentProgress(d, w))]
        for c in (w.draft?.clauses ?? []) where c.votable { frames.append((.everyone, tallyMessage(c.id, w))) }
        return frames
    }

    /// The participant's guided question: its index, how many there are, and its text (null after the last).
    static func promptMessage(_ p: ParticipantID, _ w: Workshop) -> JSON {
        let index = w.promptIndex[p] ?? 0, questions = w.template.outmodelQuestions
        let target = w.participants[p].map { w.defaultTarget(for: $0.department) } ?? ""
        return [
            "type": "prompt", "index": .int(index), "count": .int(questions.count),
            "question": index < questions.count ? .string(w.text(questions[index], target: target)) : .null
        ]
    }

    static func focusMessage(_ w: Workshop) -> JSON { ["type": "focus", "id": JSON(w.focusedItem)] }

    static func assignmentMessage(_ c: ClauseID, _ w: Workshop) -> JSON {
        let a = w.assignments[c]
        return ["type": "assignment", "clause": .string(c), "owner": JSON(a?.owner), "due": JSON(a?.due)]
    }
}
