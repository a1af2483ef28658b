import SenimCore

/// Exit codes, after BSD sysexits(3). Scripts rely on these numbers: they are documented in
/// README.md, docs/cli.md and `senim --help`.
enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// EX_USAGE: unknown command or option, missing or malformed argument, no passphrase source.
    case usage = 64
    /// EX_DATAERR: the input was refused (validation, privacy guard, unknown code or id, bad quantity).
    case refused = 65
    /// EX_NOINPUT: there is no store (or input file) at the given path.
    case noInput = 66
    /// EX_SOFTWARE: an internal error, or a part not available in this build.
    case software = 70
    /// EX_CANTCREAT: a store already exists where a new one was to be created.
    case cannotCreate = 73
    /// EX_IOERR: input/output error, full disk, damaged store.
    case ioError = 74
    /// EX_TEMPFAIL: the store is in use by another process; try again when it is closed.
    case inUse = 75
    /// EX_NOPERM: wrong user name or passphrase, or the user's role may not do this, or the
    /// account is still on a one-time passphrase.
    case noPermission = 77
    /// EX_CONFIG: the configuration (Config/) is missing or invalid.
    case config = 78

    /// The table shown in `senim --help` (and kept in sync with docs/cli.md by a test).
    static let helpText = """
        EXIT CODES
          0   success
          64  bad usage: unknown command or option, missing or malformed
              argument, no passphrase source (no terminal, no
              --passphrase-file, no SENIM_PASSPHRASE)
          65  input refused: validation failed; the privacy guard found an
              IIN, phone number or e-mail address; unknown client code or
              catalogue id; bad quantity
          66  no store at the given path (run `senim init`), or an input
              file is missing
          70  internal error, or a part not available in this build
          73  a store already exists there (init, demo, restore without
              --force)
          74  input/output error, disk full, or damaged store (see
              `senim verify`)
          75  the store is in use by another process (close it first)
          77  wrong user name or passphrase, or your role may not do this,
              or your account is still on a one-time passphrase (only
              `senim passwd` runs until you choose your own)
          78  the configuration (Config/) is missing or invalid
        A refused command changes nothing in the store.
        """
}

extension ExitStatus {
    /// The exit code for a failure of this kind.
    init(_ category: FailureCategory) {
        self = switch category {
        case .refused: .refused
        case .noInput: .noInput
        case .cannotCreate: .cannotCreate
        case .ioError: .ioError
        case .inUse: .inUse
        case .noPermission: .noPermission
        }
    }
}
