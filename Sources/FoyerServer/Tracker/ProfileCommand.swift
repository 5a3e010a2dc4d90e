import FoyerCore

/// A script API command (`{"t":"api","c":…,"a":…}`) checked against SPEC section 11's
/// limits (``ProfileRules``): the first rule broken is the refusal's reason, and a
/// refused command changes nothing.
enum ProfileCommand: Equatable {
    /// `identify`: the cleaned identity (not yet verified), the id exactly as sent (the
    /// site's HMAC is of that), and the hash to verify, if any.
    case identify(VisitorProfile, sentID: String, hash: String?)
    /// `set`: attributes in name order (a JSON object has no order of its own).
    case set([VisitorAttribute])
    case track(String)

    static func read(command: String, argument: JSONValue?) -> Result<ProfileCommand, ProfileRules.Refusal> {
        switch command {
        case "identify": identify(argument)
        case "set": set(argument)
        case "track": track(argument)
        default: .failure(ProfileRules.Refusal("unknown command (identify, set or track)"))
        }
    }

    private static let identifyFields: Set<String> = ["id", "name", "email", "hash"]

    private static func identify(_ argument: JSONValue?) -> Result<ProfileCommand, ProfileRules.Refusal> {
        guard case .object(let fields) = argument else { return .failure(ProfileRules.Refusal("identify takes an object {id, name, email, hash}")) }
        if let unknown = fields.keys.sorted().first(where: { !identifyFields.contains($0) }) {
            return .failure(ProfileRules.Refusal("unknown identify field \(unknown.prefix(40)) (id, name, email, hash)"))
        }
        var id: String?
        switch fields["id"] {
        case .string(let text): id = text
        // Sites often number their customers; the hash is then of the number's digits.
        case .number(let number) where number.isFinite && number == number.rounded() && abs(number) < 1e15: id = String(Int64(number))
        case nil, .null?: id = nil
        default: return .failure(ProfileRules.Refusal("id must be a string"))
        }
        var texts: [String: String] = [:]
        for key in ["name", "email", "hash"] {
            switch fields[key] {
            case .string(let text)?: texts[key] = text
            case nil, .null?: break
            default: return .failure(ProfileRules.Refusal("\(key) must be a string"))
            }
        }
        return ProfileRules.identity(id: id, name: texts["name"], email: texts["email"], hash: texts["hash"]).map { checked in
            .identify(checked.0, sentID: id ?? "", hash: checked.hash)
        }
    }

    private static func set(_ argument: JSONValue?) -> Result<ProfileCommand, ProfileRules.Refusal> {
        guard case .object(let fields) = argument else { return .failure(ProfileRules.Refusal("set takes an object {name: value}")) }
        guard fields.count <= ProfileRules.maxAttributes else {
            return .failure(ProfileRules.Refusal("too many attributes (max \(ProfileRules.maxAttributes))"))
        }
        var attributes: [VisitorAttribute] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            guard ProfileRules.isName(name) else { return .failure(ProfileRules.Refusal(ProfileRules.nameRule)) }
            let checked: Result<AttributeValue, ProfileRules.Refusal>
            switch value {
            case .string(let text): checked = ProfileRules.value(text).map(AttributeValue.string)
            case .number(let number): checked = ProfileRules.number(number).map(AttributeValue.number)
            case .bool(let flag): checked = .success(.bool(flag))
            default: checked = .failure(ProfileRules.Refusal("values must be strings, numbers or booleans (\(name): \(value.kind))"))
            }
            switch checked {
            case .success(let value): attributes.append(VisitorAttribute(name: name, value: value))
            case .failure(let refusal): return .failure(refusal)
            }
        }
        return .success(.set(attributes))
    }

    private static func track(_ argument: JSONValue?) -> Result<ProfileCommand, ProfileRules.Refusal> {
        guard case .string(let name) = argument else { return .failure(ProfileRules.Refusal("track takes an event name")) }
        guard ProfileRules.isName(name) else { return .failure(ProfileRules.Refusal("event " + ProfileRules.nameRule)) }
        return .success(.track(name))
    }
}
