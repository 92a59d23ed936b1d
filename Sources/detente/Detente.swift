import ArgumentParser
import DetenteCore
import DetenteJournal
import DetenteServer
import DetenteTransport
import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@main
struct Detente: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detente",
        abstract: "A workshop facilitation chat-bot server for making Dev and Ops work together.",
        subcommands: [Serve.self, New.self, Verify.self, Events.self, Export.self, Anonymise.self, Analyse.self, Purge.self, Salvage.self]
    )
}

/// Writes a line to standard output unbuffered, so a supervising process sees it at once.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func env(_ name: String) -> String? { ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } }

func makeLogger(_ label: String = "detente") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = env("DETENTE_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (HTTP, WebSocket /ws).")

    @Option(help: "Address to listen on (env DETENTE_HOST).") var host: String = env("DETENTE_HOST") ?? "127.0.0.1"
    @Option(help: "Port (env DETENTE_PORT).") var port: Int = env("DETENTE_PORT").flatMap(Int.init) ?? 8080
    @Option(help: "Data folder with one journal per workshop (env DETENTE_SESSIONS).") var sessions: String = env("DETENTE_SESSIONS") ?? "Sessions"
    @Option(help: "Journal storage: postgres://… to keep journals in PostgreSQL (several nodes may share it); default the --sessions folder (env DETENTE_STORE).")
    var store: String? = env("DETENTE_STORE")
    @Flag(help: "With --store, behind a proxy routing each workshop to one node: ask the node holding a workshop routed here to hand it over (env DETENTE_HAND_OVER=1).")
    var handOver = false
    @Option(name: .customLong("public"), help: "Static browser pages (env DETENTE_PUBLIC).") var publicDirectory: String = env("DETENTE_PUBLIC") ?? "Public"
    @Option(help: "TLS certificate (PEM) for HTTPS/WSS (env DETENTE_TLS_CERT).") var tlsCert: String? = env("DETENTE_TLS_CERT")
    @Option(help: "TLS private key (PEM) (env DETENTE_TLS_KEY).") var tlsKey: String? = env("DETENTE_TLS_KEY")
    @Option(help: "Comma-separated origins allowed to open websockets; default same origin (env DETENTE_ALLOWED_ORIGINS).")
    var allowedOrigins: String = env("DETENTE_ALLOWED_ORIGINS") ?? ""
    @Option(help: "Largest websocket message in bytes (env DETENTE_MAX_MESSAGE).") var maxMessage: Int = env("DETENTE_MAX_MESSAGE").flatMap(Int.init) ?? 65536
    @Option(help: "Messages per second per connection (env DETENTE_RATE).") var rate: Double = env("DETENTE_RATE").flatMap(Double.init) ?? 20
    @Option(help: "Burst above the rate (env DETENTE_BURST).") var burst: Double = env("DETENTE_BURST").flatMap(Double.init) ?? 40
    @Flag(help: "Create a demo workshop at start-up and print its links.") var demo = false
    @Option(help: "Workshop templates (*.json); default: Templates beside the public folder (env DETENTE_TEMPLATES).")
    var templates: String? = env("DETENTE_TEMPLATES")
    @Flag(help: .hidden) var echoTest = false  // Autobahn harness: the transport echoing text (tools/autobahn)

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = makeLogger()
        // Validated before any journal is replayed, so every workshop finds its script.
        let templateDirectory = templates ?? ((publicDirectory as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Templates")
        do {
            let names = try TemplateCatalog.shared.load(directory: templateDirectory)
            logger.info("templates loaded", metadata: ["names": "\(names.joined(separator: ","))"])
        } catch { throw ValidationError("\(error)") }
        if echoTest { return try EchoTestServer.serveUntilSignalled(host: host, port: port, logger: logger, deflate: env("DETENTE_DEFLATE") == "1") }
        let registry = MetricsSetup.bootstrap()
        let organiserToken = env("DETENTE_ORGANISER_TOKEN") ?? Secrets.token()
        var config = ServerConfiguration(organiserToken: organiserToken)
        config.sessionsDirectory = sessions
        config.transport.host = host
        config.transport.port = port
        config.transport.publicDirectory = publicDirectory
        config.transport.tlsCertificate = tlsCert
        config.transport.tlsKey = tlsKey
        config.transport.allowedOrigins = allowedOrigins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        config.transport.maxMessageBytes = maxMessage
        config.transport.messagesPerSecond = rate
        config.transport.messageBurst = burst
        config.slowDraftMillis = env("DETENTE_TEST_SLOW_DRAFT_MS").flatMap(Int.init) ?? 0
        config.handOverOnRequest = handOver || env("DETENTE_HAND_OVER") == "1"
        try config.applyHostileClientSettings(from: ProcessInfo.processInfo.environment)
        let storage = try StoreOption.storage(store, logger: logger)
        let server = DetenteServer(configuration: config, logger: logger, metricsText: { registry() }, storage: storage)
        try server.start()
        say("Detente is running on \(config.baseURL)")
        say("Organiser page (creates workshops): \(config.baseURL)/organiser.html#token=\(organiserToken)")
        let base = config.baseURL
        if demo {
            let done = DispatchSemaphore(value: 0)
            server.createWorkshop(title: "Demo: making cats work with dogs", departments: ["dev", "ops"], template: "cats-and-dogs", k: 3) { result in
                if case let .success(c) = result {
                    say("Demo workshop \(c.id), join code \(c.code)")
                    say("  Facilitator: \(base)/facilitator.html#token=\(c.facilitatorToken)")
                    for d in c.departments { say("  Join as \(d): \(base)/join.html?code=\(c.code)&department=\(d)") }
                }
                done.signal()
            }
            done.wait()
        }
        // Graceful shutdown: stop accepting, close with 1001, flush the journal.
        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { stop.signal() }
            s.resume()
            sources.append(s)
        }
        stop.wait()
        logger.info("shutting down")
        server.shutdown()
        _ = sources
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a workshop on a running server.")
    @Option var template: String = "cats-and-dogs"
    @Option(help: "Comma-separated departments, e.g. dev,ops.") var departments: String = "dev,ops"
    @Option var title: String = "Making cats work with dogs"
    @Option(help: "Anonymity threshold k.") var k: Int = 3
    @Option(help: "Server base URL (env DETENTE_URL).") var server: String = env("DETENTE_URL") ?? "http://127.0.0.1:8080"
    @Option(help: "Organiser token (env DETENTE_ORGANISER_TOKEN).") var token: String? = env("DETENTE_ORGANISER_TOKEN")

    func run() throws {
        guard let token else { throw ValidationError("set DETENTE_ORGANISER_TOKEN or pass --token (serve prints it in the organiser URL)") }
        var request = URLRequest(url: URL(string: server + "/api/workshops")!)
        request.httpMethod = "POST"
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let body: JSON = [
            "title": .string(title), "departments": JSON(departments.split(separator: ",").map(String.init)),
            "template": .string(template), "k": .int(k)
        ]
        request.httpBody = Data(body.encoded().utf8)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: (Data?, Int, Error?) = (nil, 0, nil)
        URLSession.shared.dataTask(with: request) { data, response, error in
            outcome = (data, (response as? HTTPURLResponse)?.statusCode ?? 0, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = outcome.2 { throw ValidationError("could not reach \(server): \(error.localizedDescription)") }
        let text = outcome.0.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard outcome.1 == 201, let json = try? JSONParser.parse(text) else { throw ValidationError("server said \(outcome.1): \(text)") }
        print("Workshop:    \(json["workshop"]?.stringValue ?? "")")
        print("Join code:   \(json["code"]?.stringValue ?? "")")
        print("Facilitator: \(json["facilitator_url"]?.stringValue ?? "")")
        for link in json["join_links"]?.arrayValue ?? [] {
            print("Join \(link["department"]?.stringValue ?? ""): \(link["url"]?.stringValue ?? "")")
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a journal's checksums and hash chain, replay it, and summarise it (never modifies it).")
    @Argument(help: "Path to a .journal file, or a workshop id with --store.") var journal: String
    @Option(help: "Verify a workshop kept in PostgreSQL (postgres://…; env DETENTE_STORE).") var store: String? = env("DETENTE_STORE")

    func run() throws {
        if !journal.hasSuffix(".journal"), let storage = try StoreOption.storage(store, logger: makeLogger()) {
            return try StoreOption.verify(journal, in: storage)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let directory = (journal as NSString).deletingLastPathComponent
        let workshopID = ((journal as NSString).lastPathComponent as NSString).deletingPathExtension
        let seal = try AuthorSeal.load(directory: directory.isEmpty ? "." : directory, workshop: workshopID, create: false)
        // Replaying is part of verifying: every record must decode to an event of the workshop it
        // builds. Streamed: the chain is checked on a second thread while each record is read in
        // place, opened, decoded and folded, then dropped.
        let data = try Data(contentsOf: URL(fileURLWithPath: journal))
        var replayer = Workshop.Replayer(expectedItems: JournalReader.itemCapacity(forJournalBytes: data.count))
        var counts: [String: Int] = [:]
        let replayed = JournalReader.replay(data: data, seal: seal) { _, event in
            counts[event.name, default: 0] += 1
            try replayer.apply(event)
        }
        let contents = replayed.contents
        if let invalid = replayed.invalid {
            print("INVALID: \(invalid)")
            throw ExitCode(1)
        }
        let workshop = replayer.workshop
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print("records: \(contents.streamedCount)")
        print("bytes: \(contents.goodLength) of \(contents.totalLength)")
        print("last hash: \(contents.lastHash)")
        if let workshop {
            print("workshop: \(workshop.id), phase \(workshop.phase.rawValue), \(workshop.participants.count) participants, \(workshop.items.count) items\(seal.isPurged ? " (purged)" : "")")
        }
        print("read, checked and replayed in \(String(format: "%.3f", seconds)) s (\(Int(Double(contents.streamedCount) / max(seconds, 1e-9))) events/s)")
        // CPU time of both threads: what the work costs when other processes share the cores.
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        print("cpu: \(String(format: "%.3f", cpu)) s (user and system, whole process so far)")
        for (name, n) in counts.sorted(by: { $0.key < $1.key }) { print("  \(name): \(n)") }
        if let problem = contents.problem {
            print("INVALID: \(problem)")
            if !contents.salvageable.isEmpty {
                print("\(contents.salvageable.count) records after it check out on their own: `detente salvage \(workshopID)` can restore them")
            }
            throw ExitCode(1)
        }
        print("OK: chain verified")
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a workshop's raw event history (operator view: sealed fields opened while the key exists). Never modifies the journal.")
    @Argument var workshop: String
    @Option var sessions: String = env("DETENTE_SESSIONS") ?? "Sessions"
    @Option(help: "Read from PostgreSQL instead (postgres://…; env DETENTE_STORE).") var store: String? = env("DETENTE_STORE")

    func run() throws {
        if let storage = try StoreOption.storage(store, logger: makeLogger()) { return try StoreOption.printEvents(workshop, in: storage) }
        let contents = try JournalReader.read(path: JournalWriter.journalPath(sessions, workshop))
        let seal = try AuthorSeal.load(directory: sessions, workshop: workshop, create: false)
        for r in contents.records { print(JSON.object([("seq", .int(r.seq)), ("at", .int(Int(r.at))), ("event", seal.opened(r.storedEvent))]).encoded()) }
        if let problem = contents.problem { FileHandle.standardError.write(Data("warning: \(problem); shown up to there (the file is unchanged)\n".utf8)) }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a workshop transcript (pseudonymous). Never modifies the journal.")
    @Argument var workshop: String
    @Option(help: "md, html, json or csv.") var format: String = "md"
    @Option var sessions: String = env("DETENTE_SESSIONS") ?? "Sessions"
    @Flag(help: "Add an attendance list (names only, not linked to items).") var attendance = false
    @Option(help: "Read from PostgreSQL instead (postgres://…; env DETENTE_STORE).") var store: String? = env("DETENTE_STORE")

    func run() throws {
        let loaded: SessionStore.Loaded
        if let storage = try StoreOption.storage(store, logger: makeLogger()) {
            try storage.prepare()
            loaded = try storage.loadReadOnly(workshop, logger: makeLogger())
        } else {
            loaded = try SessionStore(directory: sessions).load(workshop, mode: .readOnly, logger: makeLogger())
        }
        let w: Workshop
        do { w = try Workshop.replay(loaded.events) } catch { throw ValidationError("not a workshop journal: \(error.description)") }
        let names = attendance ? loaded.names.values.sorted() : nil
        guard let rendered = Transcript(workshop: w).render(format, attendance: names) else { throw ValidationError("format must be md, html, json or csv") }
        print(rendered.body, terminator: "")
    }
}

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete a workshop's roster and the key sealing every personal field: afterwards no file names anyone, and no item can be tied to a person or to the author's other items.")
    @Argument var workshop: String
    @Option var sessions: String = env("DETENTE_SESSIONS") ?? "Sessions"
    @Option(help: "Purge a workshop kept in PostgreSQL (postgres://…; env DETENTE_STORE).") var store: String? = env("DETENTE_STORE")

    func run() throws {
        if let storage = try StoreOption.storage(store, logger: makeLogger()) { return try StoreOption.purge(workshop, in: storage) }
        let lock: SessionsLock
        do { lock = try SessionsLock(directory: sessions) } catch { throw ValidationError("\(error.reason) — purge needs the folder to itself") }
        guard FileManager.default.fileExists(atPath: JournalWriter.journalPath(sessions, workshop)) else { throw ValidationError("no workshop \(workshop) in \(sessions)") }
        try SessionStore(directory: sessions).purge(workshop)
        print("roster and key of \(workshop) deleted; the journal's chain is unchanged and verifies")
        _ = lock
    }
}

struct Salvage: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restore the records after a corrupt one that check out on their own; the original journal is kept as <journal>.broken.N.")
    @Argument var workshop: String
    @Option var sessions: String = env("DETENTE_SESSIONS") ?? "Sessions"

    func run() throws {
        let lock: SessionsLock
        do { lock = try SessionsLock(directory: sessions) } catch { throw ValidationError("\(error.reason) — salvage needs the folder to itself") }
        let path = JournalWriter.journalPath(sessions, workshop)
        let contents = try JournalReader.read(path: path)
        guard let problem = contents.problem else { print("\(workshop): chain verified; nothing to salvage"); return }
        print("\(workshop): \(problem)")
        let (restored, original) = try JournalReader.salvage(path: path)
        print("kept \(contents.records.count) records before it, restored \(restored) after it (re-chained); original kept as \(original)")
        _ = lock
    }
}

struct Anonymise: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Anonymise JSON lines {\"id\",\"text\",\"roster\"} from stdin to {\"id\",\"text\"}.")
    @Flag(help: "JSON lines in and out.") var jsonl = false
    @Flag(help: "Also print the replacements and the rule that fired.") var explain = false

    func run() throws {
        var out = ""
        out.reserveCapacity(1 << 16)
        // Items of one workshop share a roster: index it once.
        var anonymisers: [[String]: Anonymiser] = [:]
        while let line = readLine(strippingNewline: true) {
            guard !line.isEmpty else { continue }
            let json: JSON
            do { json = try JSONParser.parse(line) } catch {
                FileHandle.standardError.write(Data("skipping a line that is not JSON: \(error.reason)\n".utf8))
                continue
            }
            let roster = json["roster"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let anonymiser = anonymisers[roster] ?? Anonymiser(roster: roster)
            anonymisers[roster] = anonymiser
            let result = anonymiser.anonymise(json["text"]?.stringValue ?? "")
            var fields: [(String, JSON)] = [("id", json["id"] ?? .null), ("text", .string(result.text))]
            if explain {
                fields.append(("replacements", .array(result.replacements.map { ["kind": .string($0.kind.rawValue), "original": .string($0.original), "rule": .string($0.rule)] })))
            }
            out += JSON.object(fields).encoded()
            out += "\n"
            if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct Analyse: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Group, pair, classify and coach a workshop dataset; write the scorer's prediction format.")
    @Option(help: "Dataset JSON with items {id, department, kind, target, text}.") var dataset: String
    @Option(help: "Where to write predictions JSON.") var predictions: String
    @Option(help: "Grouping threshold override.") var groupThreshold: Double?
    @Option(help: "Trade threshold override.") var tradeThreshold: Double?
    @Option(help: "Pairs at least this sure, below the grouping threshold, are listed as suggestions.") var suggestionFloor: Double?
    @Option(help: "Sentence-vector cosine at which two asks group without a shared word (0 turns it off).") var semanticThreshold: Double?
    @Option(help: "Only items whose id is in this file (one per line), for cross-checks.") var only: String?
    @Flag(help: "Print how long the analysis and the agreement draft took (one core, in process).") var time = false
    @Option(help: "Also write the agreement draft (clauses and suggestions, as the server sends them) to this JSON file.") var draft: String?
    @Flag(help: "Print each requirement's parsed parts (action, object, beneficiary, condition) to standard error.") var explain = false

    func run() throws {
        let text = try String(contentsOfFile: dataset, encoding: .utf8)
        let json = try JSONParser.parse(text)
        let rawItems = json["items"]?.arrayValue ?? json.arrayValue ?? []
        let allowed = try only.map { Set(try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n").map(String.init)) }
        let items: [AnalysisItem] = rawItems.compactMap { item in
            // Only these fields are read; gold labels, if present, are ignored.
            guard let id = item["id"]?.stringValue, let d = item["department"]?.stringValue, let k = item["kind"]?.stringValue.flatMap(ItemKind.init),
                let text = item["text"]?.stringValue
            else { return nil }
            if let allowed, !allowed.contains(id) { return nil }
            return AnalysisItem(id: id, department: d, kind: k, target: item["target"]?.stringValue ?? "", text: text)
        }
        var drafter = AgreementDrafter()
        if let groupThreshold { drafter.groupThreshold = groupThreshold }
        if let tradeThreshold { drafter.tradeThreshold = tradeThreshold }
        if let suggestionFloor { drafter.suggestionFloor = suggestionFloor }
        if let semanticThreshold { drafter.semanticThreshold = semanticThreshold }
        if time {
            // The whole job the server does at the agreement phase: analysis plus draft.
            // Wall time, and this thread's CPU time: on a shared, loaded machine only the second is stable.
            func cpuNanoseconds() -> UInt64 { var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec) }
            let started = DispatchTime.now().uptimeNanoseconds, cpuStarted = cpuNanoseconds()
            _ = drafter.draft(items: items, reactions: [:], departments: Array(Set(items.map(\.department))).sorted(), reviewInDays: 30)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            let cpu = Double(cpuNanoseconds() - cpuStarted) / 1e6
            FileHandle.standardError.write(Data("analysed and drafted \(items.count) items in \(String(format: "%.1f", ms)) ms (CPU \(String(format: "%.1f", cpu)) ms)\n".utf8))
        }
        if explain {
            for item in items where item.kind == .requirement {
                let ask = AskParser.parse(item.text)
                FileHandle.standardError.write(
                    Data("\(item.id)\taction=\(ask.action ?? "-")\tobject=\(ask.object.joined(separator: ","))\tfor=\(ask.beneficiary ?? "-")\tif=\(ask.condition ?? "-")\n".utf8))
            }
        }
        if let draft {
            let d = drafter.draft(items: items, reactions: [:], departments: Array(Set(items.map(\.department))).sorted(), reviewInDays: 30)
            let body: JSON = ["clauses": .array(d.clauses.map(\.json)), "suggestions": d.suggestionsJSON]
            try body.encoded().write(toFile: draft, atomically: true, encoding: .utf8)
        }
        let a = drafter.analyse(items)
        let out: JSON = [
            "clusters": .array(a.groups.map { JSON($0.members) }),
            "reciprocal_pairs": .array(a.trades.map { JSON([$0.a, $0.b]) }),
            "themes": .object(items.map { ($0.id, .string(a.themes[$0.id]?.rawValue ?? "culture")) }),
            "blame": JSON(items.filter { a.blame[$0.id] != nil }.map(\.id)),
            "actionable": .object(items.filter { $0.kind == .requirement }.map { ($0.id, .bool(a.actionable[$0.id] ?? true)) }),
            // Not scored: what the room would be asked to decide.
            "suggestions": .array(a.suggestions.map { ["items": JSON([$0.a, $0.b]), "confidence": .double($0.confidence), "reason": .string($0.reason)] })
        ]
        try out.encoded().write(toFile: predictions, atomically: true, encoding: .utf8)
    }
}
