using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>Plain API calls the tests make as "the user" (kubectl's role), outside the runtime.</summary>
internal static class TestObjects
{
    private const string Version = "v1";

    public static Task<Widget> CreateAsync(this IKubernetes client, Widget widget) =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync<Widget>(
            widget, TestCrds.Group, Version, widget.Metadata.NamespaceProperty, "widgets");

    public static Task<Gadget> CreateAsync(this IKubernetes client, Gadget gadget) =>
        client.CustomObjects.CreateClusterCustomObjectAsync<Gadget>(gadget, TestCrds.Group, Version, "gadgets");

    public static async Task<Widget?> GetWidgetAsync(this IKubernetes client, string @namespace, string name)
    {
        try
        {
            return await client.CustomObjects.GetNamespacedCustomObjectAsync<Widget>(TestCrds.Group, Version, @namespace, "widgets", name);
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public static async Task<Gadget?> GetGadgetAsync(this IKubernetes client, string name)
    {
        try
        {
            return await client.CustomObjects.GetClusterCustomObjectAsync<Gadget>(TestCrds.Group, Version, "gadgets", name);
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public static Task<Widget> ResizeAsync(this IKubernetes client, string @namespace, string name, int size) =>
        client.CustomObjects.PatchNamespacedCustomObjectAsync<Widget>(
            new V1Patch("{\"spec\":{\"size\":" + size + "}}", V1Patch.PatchType.MergePatch),
            TestCrds.Group, Version, @namespace, "widgets", name);

    public static Task DeleteWidgetAsync(this IKubernetes client, string @namespace, string name) =>
        client.CustomObjects.DeleteNamespacedCustomObjectAsync(TestCrds.Group, Version, @namespace, "widgets", name);

    public static Task DeleteGadgetAsync(this IKubernetes client, string name) =>
        client.CustomObjects.DeleteClusterCustomObjectAsync(TestCrds.Group, Version, "gadgets", name);

    /// <summary>Removes every widget of the namespace, finalizers included, so nothing is left behind.</summary>
    public static async Task RemoveAllWidgetsAsync(this IKubernetes client, string @namespace)
    {
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<WidgetList>(TestCrds.Group, Version, @namespace, "widgets");
        foreach (var widget in list.Items)
        {
            await ForceRemoveAsync(() => client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch),
                TestCrds.Group, Version, @namespace, "widgets", widget.Metadata.Name));
            await ForceRemoveAsync(() => client.DeleteWidgetAsync(@namespace, widget.Metadata.Name));
        }
    }

    /// <summary>Removes a gadget, finalizers included.</summary>
    public static async Task RemoveGadgetAsync(this IKubernetes client, string name)
    {
        await ForceRemoveAsync(() => client.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch),
            TestCrds.Group, Version, "gadgets", name));
        await ForceRemoveAsync(() => client.DeleteGadgetAsync(name));
    }

    private static async Task ForceRemoveAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}
