"""The four kinds of agents: home workers, subcontractors, the state and the network."""

from model.agents.home_worker import HomeWorker
from model.agents.network import AdvocacyNetwork
from model.agents.state import State
from model.agents.subcontractor import Subcontractor

__all__ = ["AdvocacyNetwork", "HomeWorker", "State", "Subcontractor"]
