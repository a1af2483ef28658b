import Crypto
import Foundation
import SenimCore

extension Session {
    // MARK: Local values

    /// A store-local setting (never synced), or nil.
    public func localValue(_ key: String) -> [UInt8]? { local[key] }

    /// Sets (or with nil removes) a store-local setting durably.
    public func setLocalValue(_ key: String, _ value: [UInt8]?) throws {
        guard !key.isEmpty, key.utf8.count <= Record.maxKey else { throw StoreError.invalid(Message("store.local.key", String(key.prefix(40)))) }
        if let value {
            guard value.count <= Record.maxValue else {
                throw StoreError.invalid(Message("store.local.size", String(value.count), String(Record.maxValue)))
            }
            try append([.setLocal(key, value)])
        } else {
            guard local[key] != nil else { return }
            try append([.deleteLocal(key)])
        }
        local[key] = value
    }

    /// This store's default trust point, kept encrypted. Setting it saves it durably; if that
    /// fails the value is kept for this session and a notice explains. Use `setPoint` to get the error.
    public var point: String {
        get { _point }
        set {
            do { try setPoint(newValue) } catch {
                _point = newValue
                notices.append(Message("store.notice.pointNotSaved", "\(error)"))
            }
        }
    }

    public func setPoint(_ point: String) throws {
        guard configuration.points.point(point) != nil else {
            throw StoreError.invalid(Message("validate.point.unknown", PrivacyGuard.echo(point),
                                             configuration.points.points.map(\.id).joined(separator: ", ")))
        }
        try setLocalValue(Self.pointKey, Array(point.utf8))
        _point = point
    }
}
