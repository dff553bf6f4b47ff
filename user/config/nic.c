// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt coalescing of one interface through the ethtool ioctl
 * (SIOCETHTOOL with ETHTOOL_GCOALESCE / ETHTOOL_SCOALESCE), as
 * 'ethtool -c/-C' does: read the whole struct, change the fields the
 * profile owns, write it back. Drivers without coalescing answer
 * EOPNOTSUPP; that is said, not hidden.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "config/config.h"

static int ethtool(const char *ifname, struct ethtool_coalesce *ec)
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = (void *)ec;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

static int nic_get(const char *ifname, struct cfg_nic_coal *c)
{
	struct ethtool_coalesce ec = { .cmd = ETHTOOL_GCOALESCE };
	int ret = ethtool(ifname, &ec);

	if (ret)
		return ret;
	c->rx_usecs = ec.rx_coalesce_usecs;
	c->rx_frames = ec.rx_max_coalesced_frames;
	c->adaptive_rx = ec.use_adaptive_rx_coalesce;
	c->adaptive_tx = ec.use_adaptive_tx_coalesce;
	return 0;
}

static int nic_set(const char *ifname, const struct cfg_nic_coal *c)
{
	struct ethtool_coalesce ec = { .cmd = ETHTOOL_GCOALESCE };
	int ret = ethtool(ifname, &ec);

	if (ret)
		return ret;
	ec.cmd = ETHTOOL_SCOALESCE;
	ec.rx_coalesce_usecs = c->rx_usecs;
	ec.rx_max_coalesced_frames = c->rx_frames;
	ec.use_adaptive_rx_coalesce = c->adaptive_rx;
	ec.use_adaptive_tx_coalesce = c->adaptive_tx;
	return ethtool(ifname, &ec);
}

const struct cfg_nic_ops cfg_nic_ethtool = {
	.get = nic_get,
	.set = nic_set,
};
