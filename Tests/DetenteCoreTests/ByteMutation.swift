@testable import DetenteModel

/// Fuzzing helper for the JSON readers' tests: one to six random edits (replace, insert, delete)
/// of bytes drawn from `alphabet`, as the parser and the in-place reader tests both need.
enum ByteMutation {
    static func mutate(_ bytes: inout [UInt8], alphabet: [UInt8], using rng: inout SplitMix64) {
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let i = Int.random(in: 0..<max(1, bytes.count), using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: if !bytes.isEmpty { bytes[i] = alphabet.randomElement(using: &rng)! }
            case 1: bytes.insert(alphabet.randomElement(using: &rng)!, at: min(i, bytes.count))
            default: if !bytes.isEmpty { bytes.remove(at: i) }
            }
        }
    }
}
