@testable import DetenteAnonymiser
import Testing

private func scrub(_ text: String, roster: [String] = []) -> String { Anonymiser(roster: roster).anonymise(text).text }

/// Identifier shapes the development corpora do not contain, on sentences written for these
/// tests: names that are words after a verb of reaching someone, login names without "@", ids
/// with digit groups or a letter suffix after a staff cue, account pages on code hosts.
@Suite struct AnonymiserUnseenShapesTests {
    @Test func aNameThatIsAWordAfterPagingIsAName() {
        #expect(scrub("We paged Hunter twice before anyone answered.") == "We paged [Person A] twice before anyone answered.")
    }

    @Test func anInitialBelongsToTheName() {
        let out = scrub("Contact W. Okonkwo for the firewall change.")
        #expect(out == "Contact [Person A] for the firewall change.", "\(out)")
    }

    @Test func aFunctionWordAtTheStartIsNoPartOfTheName() {
        #expect(scrub("As Kwame put it, nobody reads the calendar.").hasPrefix("As [Person A] put it"))
    }

    @Test func aRoleInAnAppositionNamesAPerson() {
        #expect(scrub("According to Priya, the DBA, the replica lags.") == "According to [Person A], the DBA, the replica lags.")
        // A thing in the same position stays.
        #expect(scrub("Kafka, the message broker, lags behind.") == "Kafka, the message broker, lags behind.")
    }

    @Test func idsWithDigitGroupsOrALetterSuffixAfterAStaffCue() {
        #expect(scrub("Employee E-104-772 left in May.") == "Employee [employee id] left in May.")
        #expect(scrub("Badge 4471-K opened the cage at night.") == "Badge [employee id] opened the cage at night.")
        // Without a cue the same shapes are codes.
        #expect(scrub("Rack E-104-772 holds the old SAN.") == "Rack E-104-772 holds the old SAN.")
        #expect(scrub("Use profile 4471-K for the load test.") == "Use profile 4471-K for the load test.")
    }

    @Test func aLoginIDAfterItsCueButNotAThingsID() {
        #expect(scrub("The migration is by Ana (id anv42).").contains("(id [handle])"))
        #expect(scrub("Ticket id abc123 tracks the migration.") == "Ticket id abc123 tracks the migration.")
    }

    @Test func aLoginNameWithoutAnAtSign() {
        #expect(scrub("The on-call was jmartinez this weekend.") == "The on-call was [Person A] this weekend.")
        // Everyday words that split into a letter and a surname stay words.
        for text in ["The hotfix was bridged over the weekend.", "We need to bridge the gap.", "The stack is green again."] {
            #expect(scrub(text) == text, "\(text)")
        }
    }

    @Test func anAccountPageOnACodeHost() {
        #expect(scrub("Her work is on https://gitlab.com/jdoe-dev these days.") == "Her work is on [link] these days.")
        // A project under an organisation's namespace is an ordinary link.
        let project = "The runbook lives at https://github.com/platform/runbooks now."
        #expect(scrub(project) == project)
    }
}
