using PveOperator.IntegrationTests.Shipping;

namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>
/// The Kubernetes 1.36 CRD tier as hack/install-crd-tier.sh left it in the cache: the binaries, or why there are none.
/// Read once, when xunit discovers the tests, so that an unavailable tier shows as skipped tests with the reason.
/// </summary>
internal static class CrdTier
{
    private static readonly Lazy<(string? Apiserver, string? Etcd, string? SkipReason)> State = new(Read);

    public static string Apiserver => State.Value.Apiserver ?? throw new InvalidOperationException(SkipReason);

    public static string Etcd => State.Value.Etcd ?? throw new InvalidOperationException(SkipReason);

    /// <summary>Null when the tier can run.</summary>
    public static string? SkipReason => State.Value.SkipReason;

    private static (string?, string?, string?) Read()
    {
        var cache = Tools.CacheDirectory;
        var unavailable = Path.Combine(cache, "crd-tier.unavailable");
        if (File.Exists(unavailable))
        {
            return (null, null, $"Kubernetes 1.36 CRD tier unavailable: {File.ReadAllText(unavailable).Trim()}");
        }

        var envFile = Path.Combine(cache, "crd-tier.env");
        if (!File.Exists(envFile))
        {
            return (null, null, $"Kubernetes 1.36 CRD tier not built: run hack/install-crd-tier.sh (hack/test.sh does); no {envFile}");
        }

        var values = File.ReadAllLines(envFile)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        var apiserver = values.GetValueOrDefault("APIEXTENSIONS_APISERVER");
        var etcd = values.GetValueOrDefault("ETCD");
        if (apiserver is null || etcd is null || !File.Exists(apiserver) || !File.Exists(etcd))
        {
            return (null, null, $"Kubernetes 1.36 CRD tier broken: {envFile} names binaries that are missing; rerun hack/install-crd-tier.sh");
        }

        return (apiserver, etcd, null);
    }
}
