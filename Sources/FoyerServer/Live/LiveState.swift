import FoyerCore
import FoyerStore
import Synchronization

/// Every account's applied state on this node, by account id.
///
/// The command sinks apply records here; nothing here submits commands or reaches the
/// store, so the state can be rebuilt from a snapshot or a log alike.
final class LiveState: Sendable {
    let environment: LiveEnvironment
    private let accounts = Mutex<[String: AccountState]>([:])

    init(environment: LiveEnvironment) {
        self.environment = environment
    }

    /// The state of an account already here.
    func account(id: String) -> AccountState? { accounts.withLock { $0[id] } }

    /// Every account's state here.
    var all: [AccountState] { accounts.withLock { Array($0.values) } }

    /// The ids of the accounts opened here (those with live state), sorted.
    func openedAccountIDs() -> [String] {
        // Copied first: an account's own lock is never taken under the table's.
        all.filter(\.isOpened).map(\.id).sorted()
    }

    /// Adds a state made elsewhere unless another was added meanwhile; returns the one kept.
    func insert(_ created: AccountState) -> AccountState {
        accounts.withLock { table in
            if let raced = table[created.id] { return raced }
            table[created.id] = created
            return created
        }
    }

    /// The account's state, created unopened if this node has none yet.
    func materialize(_ accountID: String) -> AccountState {
        accounts.withLock { table in
            if let existing = table[accountID] { return existing }
            let created = AccountState(
                id: accountID, environment: environment, registry: AccountRegistry(configuration: environment.configuration), opened: false)
            table[accountID] = created
            return created
        }
    }

    /// Applies one record; `position` is its place in the cluster's log (0 alone).
    /// `floors` are accounts restored from snapshots of their own: a record at or below
    /// an account's floor is already in its snapshot and is skipped for that account.
    func apply(_ record: LiveRecord, position: Int64, startedAtNanos: UInt64, floors: [String: Int64] = [:]) {
        guard let accountID = record.account else {
            for account in all where account.isOpened {
                if let floor = floors[account.id], position <= floor { continue }
                account.apply(record.command, position: position, startedAtNanos: startedAtNanos)
            }
            return
        }
        if let floor = floors[accountID], position <= floor { return }
        let account = self.account(id: accountID) ?? materialize(accountID)
        if !account.isOpened, !record.command.isOpen {
            // A command before any `open` (cannot happen through the normal paths): open
            // the account with defaults, as every node does at the same position.
            account.apply(.open(trackingEnabled: true), position: position, startedAtNanos: startedAtNanos)
        }
        account.apply(record.command, position: position, startedAtNanos: startedAtNanos)
    }

    /// Asks every tracker on this node to greet again.
    func askTrackersToGreet() {
        for account in all { account.askTrackersToGreet() }
    }

    /// Closes every socket on this node politely (graceful shutdown): trackers reconnect
    /// to the next server, dashboards resynchronise.
    func closeAll() {
        for account in all { account.closeLocal(code: 1001, reason: "server shutting down") }
    }
}
