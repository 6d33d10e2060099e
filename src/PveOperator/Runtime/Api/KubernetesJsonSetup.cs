using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace PveOperator.Runtime;

/// <summary>How <see cref="KubernetesJson"/> finds metadata for our types.</summary>
internal static class KubernetesJsonSetup
{
    private static int done;

    /// <summary>
    /// Without dynamic code (a NativeAOT build) KubernetesJson's reflection fallback cannot serve our types: put the
    /// source-generated <paramref name="ownTypes"/> (the process's entity types) first in its resolver chain. The JIT build keeps the library's
    /// behaviour unchanged. Must run before the first KubernetesJson call (the options become read-only on first use).
    /// </summary>
    public static void Configure(IJsonTypeInfoResolver ownTypes)
    {
        if (RuntimeFeature.IsDynamicCodeSupported || Interlocked.Exchange(ref done, 1) == 1)
        {
            return;
        }

        KubernetesJson.AddJsonOptions(options => options.TypeInfoResolverChain.Insert(0, ownTypes));
    }
}
