import Hummingbird

/// Google API errors (google.rpc.Status), with an FCM error code in `details` when there is one.
enum GoogleError {
    static func response(
        _ code: Int, _ status: String, _ message: String, fcmError: String? = nil, headers: [(String, String)] = []
    ) -> Response {
        var error: [String: JSON] = ["code": .int(code), "message": .string(message), "status": .string(status)]
        if let fcmError {
            error["details"] = [["@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": .string(fcmError)]]
        }
        return SimResponse.json(code, ["error": .object(error)], headers: headers)
    }

    static let unauthenticated = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
}
