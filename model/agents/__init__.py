"""The four kinds of agents: home workers, subcontractors, the state and the network."""

from rumahan.model.agents.home_worker import HomeWorker
from rumahan.model.agents.network import AdvocacyNetwork
from rumahan.model.agents.state import State
from rumahan.model.agents.subcontractor import Subcontractor

__all__ = ["AdvocacyNetwork", "HomeWorker", "State", "Subcontractor"]
