// stub
enum WordVectorData {
    static let dimensions = 64
    static let scale: Float = 0.01
    static let words = ""
    static let vectors = ""
    static let frequencies = ""
}
