using System.Text.Json;
using k8s;

namespace PveOperator.Controllers;

/// <summary>Deep copies of status objects, so a reconcile edits a copy and the writer can compare old and new.</summary>
internal static class StatusCopy
{
    public static T Of<T>(T? status)
        where T : new()
        => status is null ? new T() : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(status));
}
