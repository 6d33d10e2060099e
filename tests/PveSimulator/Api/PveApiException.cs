namespace PveSimulator.Api;

/// <summary>
/// An error answer as PVE sends it: the status, the message whose first line becomes the reason phrase, and
/// for parameter errors the per-parameter texts. Thrown anywhere in a handler and written by the pipeline.
/// </summary>
internal sealed class PveApiException(int statusCode, string message, IReadOnlyDictionary<string, string>? parameterErrors = null, bool emptyBody = false)
    : Exception(message)
{
    public const string ParameterVerificationFailed = "Parameter verification failed.";

    public int StatusCode { get; } = statusCode;
    public IReadOnlyDictionary<string, string>? ParameterErrors { get; } = parameterErrors;
    /// <summary>401s and pveproxy's 59x pseudo-statuses have no body at all.</summary>
    public bool EmptyBody { get; } = emptyBody;

    public static PveApiException InvalidParameters(IReadOnlyDictionary<string, string> errors) => new(400, ParameterVerificationFailed, errors);

    public static PveApiException InvalidParameter(string name, string error) => InvalidParameters(new Dictionary<string, string> { [name] = error });

    public static PveApiException Unauthorized(string reason) => new(401, reason, emptyBody: true);

    public static PveApiException PermissionDenied(string path, string privilege) => new(403, $"Permission check failed ({path}, {privilege})");

    public static PveApiException NotImplemented(string method, string relativePath) => new(501, $"Method '{method} {relativePath}' not implemented");

    public static PveApiException ConfigMissing(string node, int vmid) => new(500, $"Configuration file 'nodes/{node}/lxc/{vmid}.conf' does not exist");

    public static PveApiException Proxy(int statusCode, string reason) => new(statusCode, reason, emptyBody: true);
}
