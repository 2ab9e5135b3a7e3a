// Small building blocks shared by the screens, each keeping the accessibility rules in one
// place: 44 pt minimum touch targets, one tap per action (no long-press, no multi-finger
// gestures), errors in words under the thing to fix, symbols named or hidden for VoiceOver.
#if os(iOS)
import PasserellePresentation
import SwiftUI

/// The minimum size of anything tappable (Apple's Human Interface Guidelines: 44 pt).
let touchTarget: CGFloat = 44

/// A screen text from Localizable.strings, in the app's language.
func ui(_ key: String) -> String {
    LocalizedResources.text(key)
}

/// A full-width primary action.
struct BigButton: View {
    let title: String
    var enabled = true
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            Text(title)
                .font(.title3.weight(.semibold))
                .frame(maxWidth: .infinity, minHeight: 52)
        }
        .buttonStyle(.borderedProminent)
        .disabled(!enabled)
    }
}

/// A full-width secondary action.
struct SecondaryButton: View {
    let title: String
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            Text(title).frame(maxWidth: .infinity, minHeight: touchTarget)
        }
        .buttonStyle(.bordered)
    }
}

/// A section title that VoiceOver's rotor can jump between.
struct SectionTitle: View {
    let title: String

    var body: some View {
        Text(title)
            .font(.headline)
            .padding(.top, 16)
            .accessibilityAddTraits(.isHeader)
    }
}

/// An error sentence, in red and in words (never colour alone).
struct ErrorLine: View {
    let text: String?

    var body: some View {
        if let text = text {
            Text(text)
                .font(.callout)
                .foregroundColor(.red)
                .fixedSize(horizontal: false, vertical: true)
        }
    }
}

/// A value between − and + buttons ("1 hour", "14:00"): each button a touch target, labelled for
/// VoiceOver by what it does ("15 minutes less").
struct ValueStepper: View {
    let value: String
    let lessLabel: String
    let moreLabel: String
    let onLess: () -> Void
    let onMore: () -> Void

    var body: some View {
        HStack(spacing: 16) {
            Button(action: onLess) {
                Image(systemName: "minus").frame(width: touchTarget, height: touchTarget)
            }
            .buttonStyle(.bordered)
            .accessibilityLabel(lessLabel)
            Text(value).font(.title2)
            Button(action: onMore) {
                Image(systemName: "plus").frame(width: touchTarget, height: touchTarget)
            }
            .buttonStyle(.bordered)
            .accessibilityLabel(moreLabel)
        }
    }
}

/// Chips for picking one value (or toggling several): large, wrapping onto new lines instead
/// of scrolling sideways, with a tick on the chosen ones so the choice does not rest on colour.
struct ChoiceChips<Option: Hashable>: View {
    let options: [Option]
    let isSelected: (Option) -> Bool
    let label: (Option) -> String
    let onTap: (Option) -> Void

    var body: some View {
        FlowLayout(spacing: 8) {
            ForEach(options, id: \.self) { option in
                let selected = isSelected(option)
                Button {
                    onTap(option)
                } label: {
                    HStack(spacing: 4) {
                        if selected {
                            Image(systemName: "checkmark").accessibilityHidden(true)
                        }
                        Text(label(option))
                    }
                    .padding(.horizontal, 12)
                    .frame(minHeight: touchTarget)
                }
                .buttonStyle(.bordered)
                .tint(selected ? .accentColor : .secondary)
                .accessibilityAddTraits(selected ? .isSelected : [])
            }
        }
    }
}

/// Lays its children out in rows, wrapping to a new row when one is full.
struct FlowLayout: Layout {
    var spacing: CGFloat

    func sizeThatFits(proposal: ProposedViewSize, subviews: Subviews, cache: inout ()) -> CGSize {
        let rows = arrange(subviews, width: proposal.width ?? .infinity)
        let height = rows.last.map { $0.y + $0.height } ?? 0
        return CGSize(width: proposal.width ?? rows.map(\.width).max() ?? 0, height: height)
    }

    func placeSubviews(in bounds: CGRect, proposal: ProposedViewSize, subviews: Subviews, cache: inout ()) {
        for row in arrange(subviews, width: bounds.width) {
            var x = bounds.minX
            for index in row.items {
                let size = subviews[index].sizeThatFits(.unspecified)
                subviews[index].place(at: CGPoint(x: x, y: bounds.minY + row.y), proposal: ProposedViewSize(size))
                x += size.width + spacing
            }
        }
    }

    private struct Row {
        var items: [Int] = []
        var y: CGFloat = 0
        var width: CGFloat = 0
        var height: CGFloat = 0
    }

    private func arrange(_ subviews: Subviews, width: CGFloat) -> [Row] {
        var rows: [Row] = [Row()]
        for index in subviews.indices {
            let size = subviews[index].sizeThatFits(.unspecified)
            if !rows[rows.count - 1].items.isEmpty && rows[rows.count - 1].width + spacing + size.width > width {
                let last = rows[rows.count - 1]
                rows.append(Row(y: last.y + last.height + spacing))
            }
            var row = rows[rows.count - 1]
            row.width += (row.items.isEmpty ? 0 : spacing) + size.width
            row.height = max(row.height, size.height)
            row.items.append(index)
            rows[rows.count - 1] = row
        }
        return rows
    }
}

/// A full-screen sentence with at most one way forward.
struct ExplainView: View {
    let text: String
    var action: String?
    var onAction: () -> Void = {}

    var body: some View {
        VStack(spacing: 24) {
            Text(text).font(.title3).multilineTextAlignment(.center)
            if let action = action {
                BigButton(title: action, action: onAction)
            }
        }
        .padding(24)
    }
}
#endif
