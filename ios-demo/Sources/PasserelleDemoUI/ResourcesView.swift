// Finding help nearby: a search box, one topic (the five dimensions) and "open now", sent as
// one `searchDirectory()` call, offline, against the directory synced to the phone. Each place
// says how far it is, whether it is open now, and how fresh its entry is.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct ResourcesView: View {
    @EnvironmentObject private var model: AppModel
    @State private var text = ""
    @State private var dimension: Dimension?
    @State private var openOnly = false
    @State private var page: Result<DirectoryPage, Error>?

    /// What the search depends on; searching again whenever it changes (local and fast).
    private struct Criteria: Equatable {
        let text: String
        let dimension: Dimension?
        let openOnly: Bool
    }

    var body: some View {
        let p = model.presentation
        List {
            Section {
                TextField(ui("resources_search"), text: $text)
                    .textFieldStyle(.roundedBorder)
                    .frame(minHeight: touchTarget)
                // One topic at a time (or all): a single row of choices is easier than a filter sheet.
                ChoiceChips(
                    options: [nil] + Choices.dimensions.map { Optional($0) },
                    isSelected: { $0 == dimension },
                    label: { $0.map(p.labels.dimension) ?? ui("resources_all") },
                    onTap: { dimension = $0 }
                )
                Toggle(ui("resources_open_only"), isOn: $openOnly).frame(minHeight: touchTarget)
            }
            switch page {
            case nil:
                ProgressView()
            case .some(.failure(let error)):
                ErrorLine(text: p.errors.sentence(error))
            case .some(.success(let loaded)):
                let view = p.resources.view(loaded, now: Int64(Date().timeIntervalSince1970 * 1000))
                Section(header: Text(view.total)) {
                    ForEach(view.rows) { row in
                        ResourceRowView(row: row)
                    }
                }
            }
        }
        .navigationTitle(ui("home_resources"))
        .task(id: Criteria(text: text, dimension: dimension, openOnly: openOnly)) { await search() }
    }

    private func search() async {
        let query = model.presentation.resources.query(text, dimension: dimension, openOnly: openOnly, localNow: Date())
        page = await model.call { api in try api.searchDirectory(query: query) }
    }
}

private struct ResourceRowView: View {
    let row: ResourceRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(row.name).font(.headline)
                if row.bookmarked {
                    Image(systemName: "bookmark.fill").accessibilityLabel(ui("resources_saved"))
                }
            }
            if let organization = row.organization { Text(organization).font(.subheadline) }
            if let open = row.open { Text(open).font(.subheadline.bold()) }
            if let distance = row.distance { Text(distance) }
            if let place = row.place { Text(place).font(.callout) }
            Text(row.summary).font(.callout)
            if let freshness = row.freshness {
                Text(freshness).font(.caption).foregroundColor(row.outdated ? .red : .secondary)
            }
        }
        // One element for VoiceOver: the presenter's sentence.
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(row.spoken)
    }
}
#endif
