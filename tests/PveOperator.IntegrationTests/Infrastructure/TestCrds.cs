using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>The throwaway CRDs of the runtime's integration tests: a namespaced and a cluster-scoped kind.</summary>
internal static class TestCrds
{
    public const string Group = "runtime.test.pve-operator.io";

    public static readonly string[] All = [WidgetYaml, GadgetYaml];

    private const string WidgetYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.runtime.test.pve-operator.io
        spec:
          group: runtime.test.pve-operator.io
          scope: Namespaced
          names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
          versions:
            - name: v1
              served: true
              storage: true
              subresources: { status: {} }
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        size: { type: integer }
                        secretName: { type: string }
                    status:
                      type: object
                      properties:
                        phase: { type: string }
                        observedSize: { type: integer }
                        messages: { type: array, items: { type: string } }
        """;

    private const string GadgetYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.runtime.test.pve-operator.io
        spec:
          group: runtime.test.pve-operator.io
          scope: Cluster
          names: { kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList }
          versions:
            - name: v1
              served: true
              storage: true
              subresources: { status: {} }
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        size: { type: integer }
                    status:
                      type: object
                      properties:
                        phase: { type: string }
        """;

    public static async Task ApplyAsync(IKubernetes client, string yaml)
    {
        var definition = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
        try
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(definition);
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Left over from an earlier run against the same cluster: same definition, keep it.
        }

        await Eventually.TrueAsync(async () =>
            (await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(definition.Metadata.Name))
                .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
            $"CRD {definition.Metadata.Name} is established", TimeSpan.FromSeconds(30));
    }

    public static async Task DeleteAsync(IKubernetes client, string yaml)
    {
        var definition = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
        try
        {
            await client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync(definition.Metadata.Name);
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}
