import Foundation
import SenimCore
@testable import SenimStore

/// Shared helpers for store tests: the repository's Config/, temporary directories, events.
enum TestSupport {
    static let configDirectory: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Config/catalogue.json").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("Config")
    }()

    static var packageRoot: URL { configDirectory.deletingLastPathComponent() }

    static let configuration: Configuration = try! ConfigFiles.load(from: configDirectory)

    static let point = "almaty-central"
    static let kdf = KDFParameters.testing

    /// Memoises scrypt inside this test process (see KDFCache): reopening thousands of
    /// times in fault-injection tests stays fast. Every test file calls this.
    static func fastKDF() { KDFCache.shared.enable() }

    /// A fresh empty directory under the system temp dir, removed by `cleanup`.
    static func tempDirectory(_ tag: String = "store") -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("senim-test-\(tag)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    static func cleanup(_ u: URL) { try? FileManager.default.removeItem(at: u) }

    static func create(_ dir: URL, user: String = "aigerim", passphrase: String = "correct horse",
                       fs: FileSystem = .real) throws -> Session {
        fastKDF()
        return try Session.create(at: dir, user: user, passphrase: passphrase, point: point,
                                  configuration: configuration, kdf: kdf, fileSystem: fs)
    }

    static func open(_ dir: URL, user: String = "aigerim", passphrase: String = "correct horse",
                     fs: FileSystem = .real) throws -> Session {
        fastKDF()
        return try Session.open(at: dir, user: user, passphrase: passphrase, configuration: configuration, fileSystem: fs)
    }

    /// A contact event by the session's user, with a note (for canaries) if given.
    static func contact(_ s: Session, n: Int, note: String? = nil, at: Timestamp? = nil) -> Event {
        var ctx = s.context()
        if let at { ctx.at = at }
        let code = "AB" + ["CD", "EF", "GH", "IJ"][n % 4] + "1" + String(format: "%02d", 60 + n % 40)
        return Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                     body: .contactLogged(Contact(client: UIC(normalised: code), type: "stationary",
                                                  items: [ItemQuantity(item: "syringe-2ml", quantity: Int32(1 + n % 50))],
                                                  note: note)))
    }
}

/// A small deterministic generator (SplitMix64) for reproducible random tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
