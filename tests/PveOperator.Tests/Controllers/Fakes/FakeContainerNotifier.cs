using PveOperator.Controllers;

namespace PveOperator.Tests.Controllers.Fakes;

internal sealed class FakeContainerNotifier : IContainerNotifier
{
    public List<string> ProvidersChanged { get; } = [];

    public List<(string Provider, int[] Vmids)> ContainersChangedCalls { get; } = [];

    public void ProviderChanged(string providerName) => ProvidersChanged.Add(providerName);

    public void ContainersChanged(string providerName, IReadOnlyCollection<int> vmids) =>
        ContainersChangedCalls.Add((providerName, vmids.Order().ToArray()));

    public void Clear()
    {
        ProvidersChanged.Clear();
        ContainersChangedCalls.Clear();
    }
}
