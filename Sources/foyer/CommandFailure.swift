import ArgumentParser

/// An error that ends a command with a message naming what is wrong and exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
