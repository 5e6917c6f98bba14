FROM python:3.12
WORKDIR /opt/trainer
COPY requirements.txt .
# Don't: every RUN after this ARG records PIP_INDEX_URL's value in the image's history.
ARG PIP_INDEX_URL
RUN pip install --no-cache-dir -r requirements.txt
