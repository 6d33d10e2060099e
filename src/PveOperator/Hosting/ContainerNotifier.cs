using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Hosting;

/// <summary>Turns provider-level news into work for the LxcContainer controller, through its cache's indexes.</summary>
internal sealed class ContainerNotifier : IContainerNotifier
{
    public const string ByProvider = "provider";
    public const string ByProviderAndVmid = "provider-vmid";

    private Controller<V1Alpha1LxcContainer>? controller;

    public static string ProviderVmidKey(string provider, int vmid) => $"{provider}/{vmid}";

    public void Attach(Controller<V1Alpha1LxcContainer> containerController)
    {
        controller = containerController;
        containerController.Cache.AddIndex(ByProvider, c => [c.Spec.ProviderRef.Name]);
        containerController.Cache.AddIndex(ByProviderAndVmid, c => [ProviderVmidKey(c.Spec.ProviderRef.Name, c.Spec.Vmid)]);
    }

    public void ProviderChanged(string providerName)
    {
        if (controller is null)
        {
            return;
        }

        // Every container of the provider: bulk work, behind task polls and spec changes.
        foreach (var key in controller.Cache.KeysByIndex(ByProvider, providerName))
        {
            controller.EnqueueLowPriority(key);
        }
    }

    public void ContainersChanged(string providerName, IReadOnlyCollection<int> vmids)
    {
        if (controller is null)
        {
            return;
        }

        foreach (var vmid in vmids)
        {
            foreach (var key in controller.Cache.KeysByIndex(ByProviderAndVmid, ProviderVmidKey(providerName, vmid)))
            {
                // After a provider's first sync that is each of its containers: bulk work too.
                controller.EnqueueLowPriority(key);
            }
        }
    }

    public void Wake(string key) => controller?.Enqueue(key);
}
