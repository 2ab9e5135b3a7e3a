// The visual wellbeing scale: five faces from very bad to very good, the value the core stores
// (1...5), the face's shape, and the words VoiceOver says. Faces first, words second: people
// with aphasia pick a face more easily than they read a label.
import Foundation

public enum WellbeingFace: Int, CaseIterable {
    case veryLow = 1
    case low = 2
    case soSo = 3
    case good = 4
    case veryGood = 5

    /// The mouth's curve for drawing, from -1 (deep frown) to 1 (broad smile): the UI draws the
    /// face, so the scale needs no emoji font and looks the same everywhere.
    public var mouth: Double {
        Double(rawValue - 3) / 2
    }

    /// The value as the bindings take it.
    public var stored: UInt8 {
        UInt8(rawValue)
    }

    /// The short word shown under the face.
    public func label(_ strings: Strings) -> String {
        switch self {
        case .veryLow: return strings.text(.wellbeing1)
        case .low: return strings.text(.wellbeing2)
        case .soSo: return strings.text(.wellbeing3)
        case .good: return strings.text(.wellbeing4)
        case .veryGood: return strings.text(.wellbeing5)
        }
    }

    /// What VoiceOver says: "Feeling: Good, 4 of 5".
    public func spoken(_ strings: Strings) -> String {
        strings.text(.wellbeingSpoken, label(strings), rawValue)
    }

    /// The face for a stored value; `nil` when none was recorded (or for a value off the scale).
    public static func of(_ stored: UInt8?) -> WellbeingFace? {
        stored.flatMap { WellbeingFace(rawValue: Int($0)) }
    }

    /// What to say for an optional score.
    public static func spoken(_ stored: UInt8?, _ strings: Strings) -> String {
        of(stored)?.spoken(strings) ?? strings.text(.wellbeingNotAsked)
    }
}
