/// The JSON body of every error response: `{"error": "message"}`.
enum ErrorBody {
    static func json(_ message: String) -> String {
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default:
                if scalar.value < 0x20 { escaped += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16) } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return #"{"error":""# + escaped + #""}"#
    }
}
