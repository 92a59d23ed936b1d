@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Foundation
import Testing

/// The templates in Templates/ load and pass every check; broken files are refused by name.
@Suite struct TemplateCatalogTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates").path

    @Test func theShippedTemplatesLoad() throws {
        let catalog = TemplateCatalog()
        #expect(try catalog.load(directory: Self.folder) == ["cats-and-dogs", "customer-in-the-room", "platform-as-internal-service-provider"])
        let platform = try #require(catalog.template(named: "platform-as-internal-service-provider"))
        #expect(platform.outmodelQuestions.contains { $0.contains("self-service") })
        #expect(platform.outmodelQuestions.contains { $0.contains("cognitive load") })
        #expect(platform.outmodelQuestions.contains { $0.contains("KPIs") })
        let customer = try #require(catalog.template(named: "customer-in-the-room"))
        #expect(customer.outmodelQuestions.filter { $0.hasPrefix("Customer lens") }.count == 3)
    }

    @Test func theCatsAndDogsFileIsTheBuiltInScript() throws {
        let catalog = TemplateCatalog()
        try catalog.load(directory: Self.folder)
        #expect(catalog.template(named: "cats-and-dogs") == WorkshopTemplate.catsAndDogs, "the data file and the built-in fallback must not drift")
    }

    @Test(arguments: [
        (#"{"name": "x"#, "not valid JSON"),
        (#"{"name": "Bad Name"}"#, "'name' must be"),
        (#"{"name": "other"}"#, "must be named other.json"),
        (#"{"name": "t", "colour": "red"}"#, "unknown key 'colour'")
    ])
    func brokenFilesAreRefusedWithTheReason(text: String, reason: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent("t.json"), atomically: true, encoding: .utf8)
        do { try TemplateCatalog().load(directory: dir.path); Issue.record("accepted \(text)") } catch {
            #expect(error.file == "t.json" && error.reason.contains(reason), "\(error)")
        }
    }

    @Test func aMissingPhaseOrAnUnknownPlaceholderIsRefused() throws {
        var doc = try String(contentsOfFile: Self.folder + "/cats-and-dogs.json", encoding: .utf8)
        let broken = [
            doc.replacingOccurrences(of: #""close":"#, with: #""closing":"#),
            doc.replacingOccurrences(of: "{target}'s goals", with: "{team}'s goals")
        ]
        doc = ""
        for (text, reason) in zip(broken, ["unknown phase 'closing'", "unknown placeholder {team}"]) {
            do { _ = try TemplateFile.decode(text, file: "cats-and-dogs.json"); Issue.record("accepted") } catch {
                #expect(error.reason.contains(reason), "\(error)")
            }
        }
    }
}
