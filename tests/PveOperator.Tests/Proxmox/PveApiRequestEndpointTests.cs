using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveApiRequestEndpointTests
{
    [Theory]
    [InlineData(new object[] { "nodes", "pve1", "lxc", 101, "status", "current" }, "GET /nodes/{node}/lxc/{vmid}/status/current")]
    [InlineData(new object[] { "nodes", "pve2", "tasks", "UPID:pve2:00001234:00005678:65000000:vzstart:101:root@pam!sim:", "status" }, "GET /nodes/{node}/tasks/{upid}/status")]
    [InlineData(new object[] { "cluster", "resources" }, "GET /cluster/resources")]
    [InlineData(new object[] { "version" }, "GET /version")]
    public void Names_the_variable_parts_so_metrics_stay_few(object[] segments, string expected) =>
        Assert.Equal(expected, PveApiRequest.Get(segments).Endpoint);
}
