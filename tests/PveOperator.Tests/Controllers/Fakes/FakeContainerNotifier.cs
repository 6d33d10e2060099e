using PveOperator.Controllers;
using PveOperator.Runtime;

namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>Records the container signals a provider reconciler publishes on its channel.</summary>
internal sealed class FakeContainerNotifier
{
    public FakeContainerNotifier() => Channel.Subscribe(Record);

    public EventChannel<ContainerSignal> Channel { get; } = new();

    public List<string> ProvidersChanged { get; } = [];

    public List<(string Provider, int[] Vmids)> ContainersChangedCalls { get; } = [];

    public void Clear()
    {
        ProvidersChanged.Clear();
        ContainersChangedCalls.Clear();
    }

    private void Record(ContainerSignal signal)
    {
        switch (signal)
        {
            case ContainerSignal.ProviderChanged changed:
                ProvidersChanged.Add(changed.Provider);
                break;
            case ContainerSignal.ContainersChanged changed:
                ContainersChangedCalls.Add((changed.Provider, changed.Vmids.Order().ToArray()));
                break;
        }
    }
}
