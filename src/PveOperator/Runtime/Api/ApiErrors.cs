using System.Net;
using k8s;
using k8s.Autorest;

namespace PveOperator.Runtime;

/// <summary>Reads the HTTP status out of the two exception types KubernetesClient throws.</summary>
internal static class ApiErrors
{
    /// <summary>
    /// The status code of a failed API call (<see cref="HttpOperationException"/>) or of an error
    /// event inside a watch stream (<see cref="KubernetesException"/>); null for anything else.
    /// </summary>
    public static HttpStatusCode? StatusCode(Exception exception) => exception switch
    {
        HttpOperationException { Response: not null } http => http.Response.StatusCode,
        KubernetesException { Status.Code: { } code } => (HttpStatusCode)code,
        _ => null,
    };

    public static bool IsNotFound(Exception exception) => StatusCode(exception) == HttpStatusCode.NotFound;

    public static bool IsConflict(Exception exception) => StatusCode(exception) == HttpStatusCode.Conflict;

    /// <summary>410: the resourceVersion a watch or a list continuation started from is compacted away.</summary>
    public static bool IsGone(Exception exception) => StatusCode(exception) == HttpStatusCode.Gone;
}
