using k8s;
#if !PVE_NATIVE_AOT
using PveOperator.Crds;
#endif
using PveOperator.Hosting;
using PveOperator.Runtime;

namespace PveOperator;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        KubernetesJsonSetup.Configure(OperatorJsonContext.Default);
#if !PVE_NATIVE_AOT
        // A development command (hack/generate-crds.sh), reflection-based: the NativeAOT build leaves it out.
        if (args is ["generate-crds", .. var rest])
        {
            // generate-crds [DIR [DIR-WITHOUT-CEL]]: the shipped CRDs and the copy for servers without CEL (1.20 tier).
            var shipped = rest.Length > 0 ? rest[0] : CrdGenerator.DirectoryOf(CrdVariant.Shipped);
            var withoutCel = rest.Length > 1 ? rest[1] : CrdGenerator.DirectoryOf(CrdVariant.WithoutCelRules);
            foreach (var path in CrdGenerator.WriteAll(shipped).Concat(CrdGenerator.WriteAll(withoutCel, CrdVariant.WithoutCelRules)))
            {
                Console.WriteLine($"wrote {path}");
            }

            return 0;
        }
#endif

        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(OperatorOptionsParser.Usage);
            return 0;
        }

        OperatorOptions options;
        KubernetesClientConfiguration kubernetesConfig;
        try
        {
            options = OperatorOptionsParser.Parse(args);
            kubernetesConfig = KubeconfigLoader.Load(options.Kubeconfig);
        }
        catch (Exception error) when (error is ArgumentException or k8s.Exceptions.KubeConfigException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"pve-operator: {error.Message}");
            await Console.Error.WriteLineAsync(OperatorOptionsParser.Usage);
            return 2;
        }

        await using var app = OperatorHost.Build(options, kubernetesConfig);
        await app.RunAsync();
        return 0;
    }
}
