import Foundation
import SenimCore
import SenimTestSupport

/// Loads the real `Config/` of this repository (tests run against what ships).
enum Fixtures {
    static let configDirectory: URL = RepositoryConfig.directory

    static let configuration: Configuration = RepositoryConfig.configuration

    static var catalogue: Catalogue { configuration.catalogue }
    static var formula: UICFormula { configuration.uic }
    static var validator: Validator { Validator(configuration) }

    static func ctx(_ role: Role = .worker, at: Timestamp = 1_780_000_000, site: String = "almaty-central",
                    author: String = "aigerim", id: UInt64 = 1) -> Validator.Context {
        Validator.Context(author: author, role: role, device: DeviceID(7), site: site, at: at,
                          id: EventID(high: id, low: id))
    }
}

