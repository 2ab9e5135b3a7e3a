// The sign-in form: the server's address and the one-time enrolment code a coordinator gave,
// sent with one `enrol()` call. What a valid code or address is, is for the core and the
// server to say; their answer lands under the field it names or above the form.
import Foundation
import Passerelle

public struct SignInForm: Equatable {
    public var serverUrl: String
    public var code: String
    public var serverError: String?
    public var codeError: String?
    public var formError: String?

    public init(serverUrl: String = "", code: String = "") {
        self.serverUrl = serverUrl
        self.code = code
    }

    public func withServerUrl(_ url: String) -> SignInForm {
        var form = self
        form.serverUrl = url
        form.serverError = nil
        form.formError = nil
        return form
    }

    public func withCode(_ code: String) -> SignInForm {
        var form = self
        form.code = code
        form.codeError = nil
        form.formError = nil
        return form
    }

    /// Enrols this device (blocking: network).
    public func submit(_ api: Passerelle, errors errorText: ErrorText) -> SignIn {
        do {
            return .signedIn(try api.enrol(serverUrl: serverUrl, code: code))
        } catch let error as PasserelleError {
            return .rejected(withError(error, errorText))
        } catch {
            var form = self
            form.formError = errorText.sentence(error)
            return .rejected(form)
        }
    }

    public func withError(_ error: PasserelleError, _ errorText: ErrorText) -> SignInForm {
        var form = self
        switch error {
        case .InvalidInput("server_url", let problem):
            form.serverError = errorText.problem(problem)
        case .InvalidInput("code", let problem):
            form.codeError = errorText.problem(problem)
        case .InvalidEnrolmentCode:
            // A refused code is about the code: show it there, where the person will correct it.
            form.codeError = errorText.sentence(error)
        default:
            form.formError = errorText.sentence(error)
        }
        return form
    }
}

public enum SignIn {
    case signedIn(Person)
    case rejected(SignInForm)
}
