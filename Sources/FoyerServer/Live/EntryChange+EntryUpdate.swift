import FoyerCore
import FoyerStore

extension EntryChange {
    /// Saves the entry as it is after an update (its row holds the whole entry).
    ///
    /// Lets `.changed(let update)` events be persisted with the same call as `.added`.
    static func save(accountID: String, entry update: EntryUpdate) -> EntryChange {
        .save(accountID: accountID, entry: update.entry)
    }
}
