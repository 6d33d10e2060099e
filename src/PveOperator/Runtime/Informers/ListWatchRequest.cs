namespace PveOperator.Runtime;

/// <summary>
/// The query parameters of one list or watch call, as every generated <c>List…WithHttpMessagesAsync</c>
/// method of KubernetesClient takes them.
/// </summary>
internal sealed record ListWatchRequest(
    bool Watch,
    string? ResourceVersion = null,
    string? Continue = null,
    int? Limit = null,
    int? TimeoutSeconds = null,
    bool? AllowWatchBookmarks = null);
