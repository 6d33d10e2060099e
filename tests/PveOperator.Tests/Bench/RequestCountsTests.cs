using PveOperator.Bench;

namespace PveOperator.Tests.Bench;

public sealed class RequestCountsTests
{
    // Lines as kube-apiserver 1.20.2 writes them (taken from a bench run at N=3000).
    private const string Metrics = """
        # TYPE apiserver_request_total counter
        apiserver_request_total{code="200",component="apiserver",contentType="application/json",dry_run="",group="pve-operator.io",resource="lxccontainers",scope="cluster",subresource="",verb="LIST",version="v1alpha1"} 6
        apiserver_request_total{code="200",component="apiserver",contentType="application/json",dry_run="",group="pve-operator.io",resource="lxccontainers",scope="namespace",subresource="",verb="LIST",version="v1alpha1"} 14000
        apiserver_request_total{code="404",component="apiserver",contentType="application/json",dry_run="",group="pve-operator.io",resource="lxccontainers",scope="namespace",subresource="",verb="LIST",version="v1alpha1"} 2
        apiserver_request_total{code="200",component="apiserver",contentType="application/json",dry_run="",group="pve-operator.io",resource="lxccontainers",scope="namespace",subresource="status",verb="PATCH",version="v1alpha1"} 6094
        apiserver_request_total{code="200",component="apiserver",contentType="application/json",dry_run="",group="pve-operator.io",resource="proxmoxproviders",scope="resource",subresource="",verb="GET",version="v1alpha1"} 40
        apiserver_request_total{code="200",component="apiserver",contentType="",dry_run="",group="pve-operator.io",resource="lxccontainers",scope="namespace",subresource="",verb="WATCH",version="v1alpha1"} 3
        apiserver_request_total{code="200",component="apiserver",contentType="application/vnd.kubernetes.protobuf",dry_run="",group="",resource="services",scope="namespace",subresource="",verb="LIST",version="v1"} 5
        apiserver_request_total{code="200",component="apiserver",contentType="application/json",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="GET",version="v1"} 7
        apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="pve-operator.io",resource="lxccontainers",scope="namespace",subresource="",verb="LIST",version="v1alpha1"} 14000
        """;

    [Fact]
    public void A_namespaced_LxcContainer_GET_that_the_API_server_reports_as_LIST_counts_as_GET()
    {
        var counts = RequestCounts.Parse(Metrics);

        Assert.Equal(14002, counts["GET lxccontainers"]);
        Assert.Equal(6, counts["LIST lxccontainers"]);
    }

    [Fact]
    public void Other_verbs_and_built_in_kinds_keep_their_labels()
    {
        var counts = RequestCounts.Parse(Metrics);

        Assert.Equal(6094, counts["PATCH lxccontainers/status"]);
        Assert.Equal(40, counts["GET proxmoxproviders"]);
        Assert.Equal(3, counts["WATCH lxccontainers"]);
        Assert.Equal(5, counts["LIST services"]);
        Assert.Equal(7, counts["GET secrets"]);
        Assert.Equal(7, counts.Count);
    }
}
