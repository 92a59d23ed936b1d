@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

@Suite struct WorkshopSetupValidationTests {
    func request(_ text: String) throws -> WorkshopSetup.Request {
        try WorkshopSetup.Request(json: try JSONParser.parse(text))
    }

    func refusal(_ text: String) -> DetenteError? {
        do { _ = try request(text); return nil } catch let error as DetenteError { return error } catch { return nil }
    }

    @Test func absentOptionalFieldsTakeTheirDefaults() throws {
        let r = try request(#"{"title":" Cats and dogs ","departments":[" Dev","OPS "]}"#)
        #expect(r == (try WorkshopSetup.Request(title: "Cats and dogs", departments: ["dev", "ops"], template: "cats-and-dogs", k: 3)))
        #expect(try request(#"{"title":"t","departments":["a","b"],"k":null,"template":null}"#).anonymityThreshold == 3)
        #expect(try request(#"{"title":"t","departments":["a","b"],"k":7.0}"#).anonymityThreshold == 7)
    }

    @Test func presentButInvalidValuesAreRefusedNamingTheField() {
        let cases: [(String, DetenteError.Code, String)] = [
            (#"{"title":"t","departments":["a","b"],"k":"20"}"#, .badMessage, "'k'"),
            (#"{"title":"t","departments":["a","b"],"k":1e30}"#, .invalidValue, "'k'"),
            (#"{"title":"t","departments":["a","b"],"k":0.5}"#, .invalidValue, "'k'"),
            (#"{"title":"t","departments":["a","b"],"k":0}"#, .invalidValue, "'k'"),
            (#"{"title":"t","departments":["a","b"],"k":21}"#, .invalidValue, "'k'"),
            (#"{"title":"t","departments":["a","b"],"k":true}"#, .badMessage, "'k'"),
            (#"{"title":"t","departments":["a","b"],"template":7}"#, .badMessage, "'template'"),
            (#"{"title":"t","departments":["a","b"],"template":"dogs-only"}"#, .invalidValue, "'template'"),
            (#"{"title":"t","departments":["a",5]}"#, .badMessage, "'departments'"),
            (#"{"title":"t","departments":["a"," "]}"#, .invalidValue, "'departments'"),
            (#"{"title":"t","departments":["a","A"]}"#, .invalidValue, "'departments'"),
            (#"{"title":"t","departments":["a"]}"#, .invalidValue, "'departments'"),
            (#"{"title":"t","departments":["a","b","c","d","e","f","g"]}"#, .invalidValue, "'departments'"),
            (#"{"title":"t","departments":["a","b c"]}"#, .invalidValue, "'departments'"),
            (#"{"title":"t","departments":"a,b"}"#, .badMessage, "'departments'"),
            (#"{"title":"  ","departments":["a","b"]}"#, .invalidValue, "'title'"),
            (#"{"title":3,"departments":["a","b"]}"#, .badMessage, "'title'"),
            (#"[1]"#, .badMessage, "'title'")
        ]
        for (text, code, field) in cases {
            let error = refusal(text)
            #expect(error?.code == code, "\(text): \(String(describing: error))")
            #expect(error?.message.contains(field) == true, "\(text): \(String(describing: error))")
        }
    }
}
