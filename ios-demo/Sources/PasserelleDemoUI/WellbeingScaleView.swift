// The visual wellbeing scale: five drawn faces in a row, one tap to choose, a tap on the chosen
// face to clear it (the score is optional). Each face is one VoiceOver element with its spoken
// label ("Feeling: Good, 4 of 5"), and its word is printed under it.
#if os(iOS)
import PasserellePresentation
import SwiftUI

struct WellbeingScaleView: View {
    let selected: WellbeingFace?
    let strings: Strings
    let onSelect: (WellbeingFace) -> Void

    var body: some View {
        HStack(alignment: .top, spacing: 4) {
            ForEach(WellbeingFace.allCases, id: \.self) { face in
                let isSelected = face == selected
                Button {
                    onSelect(face)
                } label: {
                    VStack(spacing: 4) {
                        FaceShape(mouth: face.mouth)
                            .stroke(isSelected ? Color.accentColor : Color.primary, lineWidth: isSelected ? 4 : 2)
                            .background(Circle().fill(isSelected ? Color.accentColor.opacity(0.2) : Color.clear))
                            .frame(width: 52, height: 52)
                        Text(face.label(strings))
                            .font(.callout)
                            .multilineTextAlignment(.center)
                            .foregroundColor(isSelected ? .accentColor : .primary)
                    }
                    .frame(maxWidth: .infinity, minHeight: touchTarget)
                    .contentShape(Rectangle())
                }
                .buttonStyle(.plain)
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(face.spoken(strings))
                .accessibilityAddTraits(isSelected ? [.isButton, .isSelected] : .isButton)
            }
        }
    }
}

/// A round face whose mouth curves from a frown (-1) to a smile (1).
struct FaceShape: Shape {
    let mouth: Double

    func path(in rect: CGRect) -> Path {
        var path = Path()
        let inset = rect.insetBy(dx: 2, dy: 2)
        path.addEllipse(in: inset)
        let eye = rect.width / 14
        path.addEllipse(in: CGRect(x: rect.width * 0.36 - eye, y: rect.height * 0.4 - eye, width: eye * 2, height: eye * 2))
        path.addEllipse(in: CGRect(x: rect.width * 0.64 - eye, y: rect.height * 0.4 - eye, width: eye * 2, height: eye * 2))
        // The mouth: a quadratic curve whose middle dips (smile) or rises (frown).
        let y = rect.height * 0.66
        path.move(to: CGPoint(x: rect.width * 0.3, y: y))
        path.addQuadCurve(
            to: CGPoint(x: rect.width * 0.7, y: y),
            control: CGPoint(x: rect.width * 0.5, y: y + CGFloat(mouth) * rect.height * 0.18)
        )
        return path
    }
}
#endif
