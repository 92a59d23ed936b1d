import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
import Foundation

/// The workshop shapes the organiser picks from, read from a folder of JSON files at start-up.
/// Loading validates every file and fails as a whole, naming the file and the problem, so a
/// typo stops the server before any workshop uses a half-read script.
public final class TemplateCatalog: @unchecked Sendable {
    /// The catalog `WorkshopTemplate.named` consults; empty until `load(directory:)`.
    public static let shared = TemplateCatalog()

    public struct LoadError: Error, Sendable, CustomStringConvertible, Equatable {
        public let file: String
        public let reason: String
        public var description: String { "template \(file): \(reason)" }
    }

    private let lock = NSLock()
    private var templates: [String: WorkshopTemplate] = [:]

    public init() {}

    public func template(named name: String) -> WorkshopTemplate? { lock.withLock { templates[name] } }

    public var names: [String] { lock.withLock { templates.keys.sorted() } }

    /// Reads every `*.json` in `directory`, replacing what was loaded before.
    /// - Returns: the names loaded, sorted.
    /// - Throws: `LoadError` for a missing folder, unreadable file, bad JSON or a failed check.
    @discardableResult
    public func load(directory: String) throws(LoadError) -> [String] {
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted() } catch {
            throw LoadError(file: directory, reason: "cannot read the templates folder")
        }
        guard !files.isEmpty else { throw LoadError(file: directory, reason: "no *.json templates in the folder") }
        var loaded: [String: WorkshopTemplate] = [:]
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw LoadError(file: file, reason: "cannot read the file as UTF-8")
            }
            let template = try TemplateFile.decode(text, file: file)
            loaded[template.name] = template
        }
        lock.withLock { templates = loaded }
        return loaded.keys.sorted()
    }
}
