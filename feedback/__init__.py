"""Citizen feedback: confidential submission, tracking codes, the staff
workflow (receive, check, classify, forward, monitor, publish), deadlines,
answers, statistics and the leaders' reports. (Built by the feedback issues.)"""
