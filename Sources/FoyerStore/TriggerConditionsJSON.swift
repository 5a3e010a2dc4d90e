import Foundation
import FoyerCore

/// Trigger conditions as stored: one JSON text column, so a new condition needs no migration.
enum TriggerConditionsJSON {
    static func encode(_ conditions: TriggerConditions) -> String {
        (try? JSONEncoder().encode(conditions)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The stored conditions; an unreadable value reads as none rather than failing the list.
    static func decode(_ text: String) -> TriggerConditions {
        (try? JSONDecoder().decode(TriggerConditions.self, from: Data(text.utf8))) ?? TriggerConditions()
    }
}
