using System.Globalization;
using System.Text.RegularExpressions;

namespace PveOperator.Bench;

/// <summary>
/// The API server's apiserver_request_total, summed by "verb resource/subresource" (e.g. "PATCH lxccontainers/status").
/// <para>
/// kube-apiserver 1.20 counts a GET of one namespaced custom object as verb LIST, scope "namespace": its CRD handler
/// takes the scope from the namespace before the name (kubernetes/kubernetes#95556; built-in kinds are not affected).
/// Every reconcile and every 10-minute resync GETs its LxcContainer, so those showed up as LISTs. Nothing in the bench
/// lists LxcContainers within one namespace (the operator and <see cref="ContainerWatch"/> list across all namespaces),
/// so for our group such a "LIST" is a GET and is counted as one; a fixed API server reports it as GET itself.
/// </para>
/// </summary>
internal static partial class RequestCounts
{
    public static Dictionary<string, double> Parse(string metricsText)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in metricsText.Split('\n'))
        {
            if (!line.StartsWith("apiserver_request_total{", StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var labels = LabelPattern().Matches(line[..close]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            var value = double.Parse(line[(close + 1)..].Trim(), CultureInfo.InvariantCulture);
            var resource = labels.GetValueOrDefault("resource", "");
            if (labels.GetValueOrDefault("subresource", "") is { Length: > 0 } sub)
            {
                resource += "/" + sub;
            }

            var verb = labels.GetValueOrDefault("verb", "");
            if (verb == "LIST" && labels.GetValueOrDefault("scope") == "namespace" && labels.GetValueOrDefault("group") == Lxc.Group)
            {
                verb = "GET";
            }

            var key = $"{verb} {resource}";
            result[key] = result.GetValueOrDefault(key) + value;
        }

        return result;
    }

    [GeneratedRegex(@"(\w+)=""([^""]*)""")]
    private static partial Regex LabelPattern();
}
