extension LiveCommand {
    /// Whether this command opens an account's state.
    var isOpen: Bool {
        if case .open = self { return true }
        return false
    }
}
